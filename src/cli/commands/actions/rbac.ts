// `helm-canary rbac`: the ServiceAccount, Role and RoleBinding helm-canary needs in a namespace,
// as YAML to pipe into `kubectl apply -f -` (or JSON). Needs no cluster.
import { stringify } from 'yaml';
import type { CliDeps } from '../../cli-deps.js';
import { InputError } from '../../errors.js';
import { LEAST_PRIVILEGE_RULES, leastPrivilegeManifests } from '../../../kube/least-privilege.js';

/** RbacFlags are rbac's flags. */
export interface RbacFlags {
  namespace: string;
  serviceAccount: string;
  output: 'yaml' | 'json';
}

// A Kubernetes name: lower-case letters, digits and "-", starting and ending alphanumeric.
const NAME = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

/** runRbac prints the manifests. */
export function runRbac(flags: RbacFlags, deps: CliDeps): void {
  const problems = [
    NAME.test(flags.namespace) ? undefined : `--namespace: must be a valid Kubernetes name (got ${JSON.stringify(flags.namespace)})`,
    NAME.test(flags.serviceAccount) ? undefined : `--service-account: must be a valid Kubernetes name (got ${JSON.stringify(flags.serviceAccount)})`,
  ].filter((p): p is string => p !== undefined);
  if (problems.length) throw new InputError('invalid input', problems);
  const manifests = leastPrivilegeManifests(flags);
  if (flags.output === 'json') {
    deps.stdout.write(`${JSON.stringify({ apiVersion: 'v1', kind: 'List', items: manifests }, null, 2)}\n`);
    return;
  }
  const why = LEAST_PRIVILEGE_RULES.map((r) => `#   ${r.resources.join(', ')}: ${r.why}`);
  const header = [
    `# What helm-canary (and the helm it runs) needs in namespace ${flags.namespace}, and nothing more.`,
    '# A chart with other kinds of objects (ConfigMaps, HorizontalPodAutoscalers...) needs them added.',
    ...why,
  ];
  deps.stdout.write(`${header.join('\n')}\n${manifests.map((m) => stringify(m).trimEnd()).join('\n---\n')}\n`);
}
