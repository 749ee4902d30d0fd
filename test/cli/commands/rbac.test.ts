// `helm-canary rbac`: the least-privilege ServiceAccount, Role and RoleBinding, printed with no cluster.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseAllDocuments, stringify } from 'yaml';
import { createAnyChart } from '../../helpers/any-charts.js';
import { runCli } from '../../helpers/run-cli.js';
import { helmBinary } from '../../sim/helm-env.js';
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

describe('helm-canary rbac -f canary.yaml (a chart of the team\'s own, e.g. in overlay mode)', () => {
  it('renders the chart with real helm (hooks included) and grants each kind it creates beyond the least-privilege rules', async () => {
    const chart = await createAnyChart('hooked', 4);
    const dir = mkdtempSync(join(tmpdir(), 'rbac-chart-'));
    try {
      writeFileSync(join(dir, 'canary.yaml'), stringify({ release: 'web', chart: chart.dir, valuesFiles: [await chart.writeValues('web')], image: { repository: 'acr.io/web' }, replicas: 2, mode: 'overlay' }));
      const r = await runCli(['rbac', '-n', 'shop', '-f', join(dir, 'canary.yaml')], { env: { HELM_BIN: helmBinary(4) } });
      assert.equal(r.exitCode, 0, r.stderr);
      assert.doesNotMatch(r.stdout, /&a\d|\*a\d/, 'plain YAML, no anchors');
      const role = parseAllDocuments(r.stdout).map((d) => d.toJS()).find((d) => d.kind === 'Role') as { rules: { apiGroups: string[]; resources: string[]; verbs: string[] }[] };
      const can = (group: string, resource: string, verb: string) => role.rules.some((rule) => rule.apiGroups.includes(group) && rule.resources.includes(resource) && rule.verbs.includes(verb));
      // The chart's ServiceAccount, its mounted ConfigMap (deleted by helm when it goes) and its hook Job.
      for (const [group, resource] of [['', 'serviceaccounts'], ['', 'configmaps'], ['batch', 'jobs']] as const) {
        for (const verb of ['get', 'create', 'patch', 'delete']) assert.ok(can(group, resource, verb), `${verb} ${group}/${resource}`);
      }
      // helm's test Pod (helm create's test-connection) is not created by an upgrade: not granted.
      assert.ok(!can('', 'pods', 'create'));
      assert.match(r.stdout, /serviceaccounts, configmaps: the chart's own ServiceAccount, ConfigMap \(helm\)/);
      const without = await runCli(['rbac', '-n', 'shop']);
      assert.ok(!/serviceaccounts/.test(without.stdout.split('\n').filter((l) => !l.startsWith('#')).join('\n')), 'without -f, only the least-privilege rules');
    } finally {
      rmSync(dir, { recursive: true, force: true });
      await chart.remove();
    }
  });
});
