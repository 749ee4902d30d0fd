// `helm-canary rbac`: the least-privilege ServiceAccount, Role and RoleBinding, printed with no cluster.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { parseAllDocuments } from 'yaml';
import { KubeApiError } from '../../../src/kube/kube-errors.js';
import { toCliError } from '../../../src/cli/to-cli-error.js';
import { CliError } from '../../../src/cli/errors.js';
import { CliHarness } from './harness.js';

describe('helm-canary rbac', () => {
  it('prints a ServiceAccount, a Role with only what helm-canary and helm use, and its binding, as YAML for kubectl apply', async () => {
    const r = await new CliHarness().run(['rbac', '-n', 'bookinfo']);
    assert.equal(r.exitCode, 0);
    assert.equal(r.stderr, '');
    const docs = parseAllDocuments(r.stdout).map((d) => d.toJS() as { kind: string; metadata: { name: string; namespace: string }; rules?: { apiGroups: string[]; resources: string[]; verbs: string[] }[]; subjects?: unknown[] });
    assert.deepEqual(docs.map((d) => `${d.kind} ${d.metadata.namespace}/${d.metadata.name}`), ['ServiceAccount bookinfo/helm-canary', 'Role bookinfo/helm-canary', 'RoleBinding bookinfo/helm-canary']);
    const rules = docs[1]!.rules!;
    const can = (group: string, resource: string, verb: string) => rules.some((rule) => rule.apiGroups.includes(group) && rule.resources.includes(resource) && rule.verbs.includes(verb));
    // The tool's own state and reads.
    for (const [group, resource, verb] of [['', 'configmaps', 'update'], ['coordination.k8s.io', 'leases', 'update'], ['apps', 'replicasets', 'list'], ['networking.istio.io', 'virtualservices', 'get']] as const) assert.ok(can(group, resource, verb), `${verb} ${resource}`);
    // Nothing beyond the namespace's releases: no wildcard, no deletion of the record or the lease, no pods.
    assert.ok(!rules.some((rule) => rule.verbs.includes('*') || rule.resources.includes('*')));
    assert.ok(!can('', 'configmaps', 'delete') && !can('coordination.k8s.io', 'leases', 'delete') && !can('', 'pods', 'get'));
    assert.deepEqual(docs[2]!.subjects, [{ kind: 'ServiceAccount', name: 'helm-canary', namespace: 'bookinfo' }]);
    assert.match(r.stdout, /^# What helm-canary \(and the helm it runs\) needs in namespace bookinfo/);
  });

  it('-o json is a List; a bad name is refused before anything is printed (exit 2)', async () => {
    const h = new CliHarness();
    const json = JSON.parse((await h.run(['rbac', '-n', 'bookinfo', '--service-account', 'deployer', '-o', 'json'])).stdout);
    assert.deepEqual(json.items.map((i: { kind: string; metadata: { name: string } }) => `${i.kind}/${i.metadata.name}`), ['ServiceAccount/deployer', 'Role/deployer', 'RoleBinding/deployer']);
    const bad = await h.run(['rbac', '-n', 'Book_Info']);
    assert.equal(bad.exitCode, 2);
    assert.equal(bad.stdout, '');
    assert.match(bad.stderr, /--namespace: must be a valid Kubernetes name \(got "Book_Info"\)/);
  });

  it('a permission the tool lacks (403) is exit 3, the server naming the verb and resource, with the way to the Role', () => {
    const err = toCliError(new KubeApiError('ConfigMap shop/helm-canary-web: forbidden: configmaps "helm-canary-web" is forbidden: User "system:serviceaccount:shop:ci" cannot update resource "configmaps" in API group "" in the namespace "shop"', 403, 'Forbidden'));
    assert.ok(err instanceof CliError);
    assert.equal(err.exitCode, 3);
    assert.match(err.message, /cannot update resource "configmaps"/);
    assert.deepEqual(err.details, ['the Role helm-canary needs: helm-canary rbac -n NAMESPACE | kubectl apply -f -']);
  });
});
