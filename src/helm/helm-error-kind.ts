// Sorts a failed helm run into the few cases a caller acts on differently. Helm has no error
// codes, only text on stderr, so this reads that text. Every pattern was checked against the
// real helm 3.17.2 and helm 4.1.4 binaries (test/helm/helm-runner.test.ts reproduces the ones a
// test can provoke without a cluster); the texts are listed in docs beside each rule.

/** HelmErrorKind names what went wrong, as far as helm's output tells. */
export type HelmErrorKind =
  | 'not-found'
  | 'release-not-found'
  | 'pending-operation'
  | 'wait-timeout'
  | 'unreachable'
  | 'invalid-values'
  | 'other';

interface Rule {
  kind: HelmErrorKind;
  patterns: RegExp[];
}

// Order matters: the first rule that matches wins.
// - "unreachable" comes before "wait-timeout" because a blackholed API server also prints
//   "context deadline exceeded" (inside the unreachable message), and before "invalid-values"
//   because a broken kubeconfig prints YAML parse errors of its own.
// - "pending-operation" comes first: its message is the most specific and names the fix.
const RULES: readonly Rule[] = [
  {
    // helm 3 and 4: "Error: UPGRADE FAILED: another operation (install/upgrade/rollback) is in progress"
    kind: 'pending-operation',
    patterns: [/another operation \(install\/upgrade\/rollback\) is in progress/],
  },
  {
    // helm 3: "Error: Kubernetes cluster unreachable: Get \"https://127.0.0.1:1/version\": dial tcp
    //   127.0.0.1:1: connect: connection refused"; helm 4 prints the same with a lower-case "k".
    // Kubeconfig problems arrive under the same prefix ("...unreachable: invalid configuration:
    //   context was not found...", "...unreachable: error loading config file ...").
    // An install that gets past that check fails with "could not get server version from
    //   Kubernetes: ... connection refused" (both versions).
    kind: 'unreachable',
    patterns: [
      /kubernetes cluster unreachable/i,
      /could not get server version/i,
      /connect: connection refused/,
      /dial tcp: lookup .*: no such host/,
      /dial tcp .*: i\/o timeout/,
      /invalid configuration: /,
    ],
  },
  {
    // helm 3 and 4: "Error: release: not found" (get values / status / history / rollback);
    // "has no deployed releases" (an upgrade without --install of a release that never deployed).
    kind: 'release-not-found',
    patterns: [/release: not found/, /has no deployed releases/],
  },
  {
    // Schema, both versions: "Error: values don't meet the specifications of the schema(s) in the
    //   following chart(s):" then per-field lines, which differ: helm 3 "- productionDeployment.weight:
    //   Must be less than or equal to 100", helm 4 "- at '/productionDeployment/weight': maximum:
    //   got 120, want 100".
    // Unparseable values file: helm 3 "Error: failed to parse f.yaml: error converting YAML to JSON:
    //   ...", helm 4 "Error: failed to parse f.yaml: cannot unmarshal yaml document: error
    //   converting YAML to JSON: ...".
    // A chart's own `fail` (our weight-sum check), both versions: "Error: execution error at
    //   (canary-app/templates/virtualservice.yaml:2:4): productionDeployment.weight (90) + ...".
    //   Helm formats only `fail` calls that way, and charts fail on bad values.
    kind: 'invalid-values',
    patterns: [
      /values don't meet the specifications of the schema/,
      /failed to parse .*(error converting YAML to JSON|cannot unmarshal)/,
      /execution error at \(/,
    ],
  },
  {
    // helm 3.17 --wait: "Error: UPGRADE FAILED: context deadline exceeded" (older 3.x: "timed out
    // waiting for the condition"); helm 4 (kstatus) joins one line per resource, "resource
    // Deployment/ns/name not ready. status: InProgress, message: ...", with "context deadline
    // exceeded".
    kind: 'wait-timeout',
    patterns: [/context deadline exceeded/, /timed out waiting for the condition/, /not ready\. status: /],
  },
];

/** classifyHelmStderr gives the kind of failure helm's stderr describes, 'other' when none fits. */
export function classifyHelmStderr(stderr: string): HelmErrorKind {
  for (const rule of RULES) {
    if (rule.patterns.some((pattern) => pattern.test(stderr))) return rule.kind;
  }
  return 'other';
}
