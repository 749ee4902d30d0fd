// HelmError's classification of helm's stderr, one row per text helm 3.17.2 / 4.1.4 print
// (captured from the real binaries, or read from helm's source where a cluster is needed).
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { HelmError, classifyHelmStderr, type HelmErrorKind } from '../../src/helm/index.js';

const rows: [name: string, stderr: string, kind: HelmErrorKind][] = [
  ['pending (both)', 'Error: UPGRADE FAILED: another operation (install/upgrade/rollback) is in progress', 'pending-operation'],
  ['refused, helm 3', 'Error: Kubernetes cluster unreachable: Get "https://127.0.0.1:1/version": dial tcp 127.0.0.1:1: connect: connection refused', 'unreachable'],
  ['refused, helm 4', 'Error: kubernetes cluster unreachable: Get "https://127.0.0.1:1/version": dial tcp 127.0.0.1:1: connect: connection refused', 'unreachable'],
  ['no such host', 'Error: kubernetes cluster unreachable: Get "https://nosuch.invalid:6443/version": dial tcp: lookup nosuch.invalid on 10.255.255.53:53: no such host', 'unreachable'],
  ['bad kubeconfig', 'Error: Kubernetes cluster unreachable: error loading config file "/tmp/kc.yaml": yaml: line 3: did not find expected node content', 'unreachable'],
  ['missing context', 'Error: kubernetes cluster unreachable: invalid configuration: context was not found for specified context: missing', 'unreachable'],
  ['install, no server version', 'Error: could not get server version from Kubernetes: Get "https://127.0.0.1:1/version?timeout=32s": dial tcp 127.0.0.1:1: connect: connection refused', 'unreachable'],
  ['blackholed API server', 'Error: Kubernetes cluster unreachable: Get "https://10.0.0.1:6443/version": context deadline exceeded', 'unreachable'],
  ['release not found (both)', 'Error: release: not found', 'release-not-found'],
  ['upgrade without --install', 'Error: UPGRADE FAILED: "shop" has no deployed releases', 'release-not-found'],
  ['schema, helm 3', "Error: values don't meet the specifications of the schema(s) in the following chart(s):\ncanary-app:\n- productionDeployment.weight: Must be less than or equal to 100", 'invalid-values'],
  ['schema, helm 4', "Error: values don't meet the specifications of the schema(s) in the following chart(s):\ncanary-app:\n- at '/productionDeployment/weight': maximum: got 120, want 100", 'invalid-values'],
  ['unparseable, helm 3', 'Error: failed to parse v.yaml: error converting YAML to JSON: yaml: line 1: did not find expected node content', 'invalid-values'],
  ['unparseable, helm 4', 'Error: failed to parse v.yaml: cannot unmarshal yaml document: error converting YAML to JSON: yaml: line 1: did not find expected node content', 'invalid-values'],
  ['chart fail (both)', 'Error: execution error at (canary-app/templates/virtualservice.yaml:2:4): productionDeployment.weight (90) + canaryDeployment.weight (20) must be 100, got 110', 'invalid-values'],
  ['wait, helm 3', 'Error: UPGRADE FAILED: context deadline exceeded', 'wait-timeout'],
  ['wait, helm 4', 'Error: UPGRADE FAILED: resource Deployment/ns/app-canary not ready. status: InProgress, message: Available: 0/2\ncontext deadline exceeded', 'wait-timeout'],
  ['anything else', 'Error: UPGRADE FAILED: cannot patch "app" with kind Deployment: Forbidden', 'other'],
];

describe('classifyHelmStderr', () => {
  for (const [name, stderr, kind] of rows) {
    it(`${name} -> ${kind}`, () => assert.equal(classifyHelmStderr(stderr), kind));
  }
});

describe('HelmError', () => {
  it('builds its message from the command, the exit, helm\'s stderr and a hint', () => {
    const error = new HelmError({ binary: 'helm', command: ['status', 'shop'], exitCode: 1, stderr: 'Error: release: not found\n', timedOut: false });
    assert.equal(error.kind, 'release-not-found');
    assert.equal(error.stderr, 'Error: release: not found');
    assert.equal(
      error.message,
      'helm status shop failed with exit code 1\nError: release: not found\nhint: check the release name and namespace (helm list -n NAMESPACE)',
    );
  });
  it('is not-found for ENOENT whatever stderr says, and says when it was killed by our timeout', () => {
    assert.equal(new HelmError({ binary: '/x/helm', command: ['version'], stderr: '', timedOut: false, spawnCode: 'ENOENT' }).kind, 'not-found');
    const killed = new HelmError({ binary: 'helm', command: ['upgrade'], stderr: '', timedOut: true });
    assert.equal(killed.timedOut, true);
    assert.match(killed.message, /^helm upgrade timed out and was killed$/m);
  });
});
