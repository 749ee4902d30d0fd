// Which cluster, context and namespace a cluster command acts on, and what it needs of the config:
// issue 10's defects 6, 12, 3, 2 and 4, end to end with the built CLI, real helm 4 and the simulated cluster.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { kubeconfigYaml } from '../../sim/kubeconfig.js';
import { KINDS } from '../../sim/store/resources.js';
import { givenCluster, type Env } from '../helpers/e2e.js';
import { runCli } from '../helpers/run-cli.js';

// helm's plugin environment, as `helm canary ...` runs the tool.
function asPlugin(namespace: string, kubeContext = ''): Record<string, string> {
  return { HELM_PLUGIN_NAME: 'canary', HELM_PLUGIN_DIR: '/plugins/helm-canary', HELM_NAMESPACE: namespace, HELM_KUBECONTEXT: kubeContext };
}

describe('cluster target: namespace, context and config a cluster command uses', () => {
  let env: Env;
  let contextKubeconfig: string;
  before(async () => {
    env = await givenCluster(4);
    env.sim!.createNamespace('elsewhere');
    // A kubeconfig whose context names the namespace "shop".
    contextKubeconfig = join(env.dir, 'shop.kubeconfig');
    writeFileSync(contextKubeconfig, kubeconfigYaml(env.sim!.url, 'shop'), { mode: 0o600 });
    const deployed = await env.cli(['deploy', '--tag', '1.0']);
    assert.equal(deployed.exitCode, 0, deployed.stderr);
  });
  after(() => env.stop());

  it("defect 6: the README's example, image.stableTag 83 then deploy --tag 83, deploys", async () => {
    env.writeConfig({ image: { repository: 'acr.io/bookinfo/productpage', stableTag: '83' } });
    const r = await env.cli(['deploy', '--tag', '83']);
    assert.equal(r.exitCode, 0, r.stderr);
    assert.doesNotMatch(r.stderr, /--new-tag/);
    assert.match((await env.observe()).production.image, /:83$/);
  });

  it('defect 12: status of one release needs only its name and namespace, not a complete canary.yaml', async () => {
    const bare = mkdtempSync(join(tmpdir(), 'hc-status-bare-'));
    try {
      const r = await runCli(['status', '--release', env.release, '-n', env.namespace, '-o', 'json'], { cwd: bare, env: env.env, extendEnv: true });
      assert.equal(r.exitCode, 0, r.stderr);
      const status = JSON.parse(r.stdout);
      assert.equal(status.release, env.release);
      assert.equal(status.production.image, (await env.observe()).production.image);
    } finally {
      rmSync(bare, { recursive: true, force: true });
    }
  });

  it("defect 3: with no --namespace and none in canary.yaml, the kubeconfig context's namespace is used", async () => {
    env.writeConfig({ namespace: undefined });
    const status = await env.cli(['status', '-o', 'json'], { KUBECONFIG: contextKubeconfig });
    assert.equal(status.exitCode, 0, status.stderr);
    assert.equal(JSON.parse(status.stdout).namespace, 'shop');
    // A rollout command too acts there (its record is what status --all lists).
    const started = await env.cli(['start', '--new-tag', '2.0'], { KUBECONFIG: contextKubeconfig });
    assert.equal(started.exitCode, 0, started.stderr);
    assert.equal((await env.observe()).record?.stage, 2);
    const all = await env.cli(['status', '--all', '-o', 'json'], { KUBECONFIG: contextKubeconfig });
    assert.equal(all.exitCode, 0, all.stderr);
    assert.deepEqual(JSON.parse(all.stdout).map((s: { release: string; namespace: string }) => `${s.namespace}/${s.release}`), ['shop/productpage']);
  });

  it('defect 2: as a helm plugin, a HELM_NAMESPACE that disagrees with canary.yaml stops with exit 2 naming both', async () => {
    env.writeConfig();
    const r = await env.cli(['status'], asPlugin('default'));
    assert.equal(r.exitCode, 2, r.stderr);
    assert.match(r.stderr, /helm passes namespace "default" \(HELM_NAMESPACE[^\n]*but namespace in \S+canary\.yaml is "shop"/);
    assert.match(r.stderr, /helm canary \.\.\. -n shop/);
    assert.match(r.stderr, /set namespace: default in the config/);
  });

  it("defect 2: as a helm plugin, helm's namespace is used where canary.yaml names none", async () => {
    env.writeConfig({ namespace: undefined });
    const r = await env.cli(['status', '-o', 'json'], asPlugin('shop'));
    assert.equal(r.exitCode, 0, r.stderr);
    assert.equal(JSON.parse(r.stdout).namespace, 'shop');
  });

  it('defect 2: HELM_NAMESPACE alone (not a plugin call) is ignored', async () => {
    env.writeConfig();
    const r = await env.cli(['status', '-o', 'json'], { HELM_NAMESPACE: 'default' });
    assert.equal(r.exitCode, 0, r.stderr);
    assert.equal(JSON.parse(r.stdout).namespace, 'shop');
  });

  it("defect 2: helm's --kube-context (HELM_KUBECONTEXT) and --kube-context are honoured", async () => {
    env.writeConfig();
    const viaHelm = await env.cli(['status'], asPlugin('shop', 'no-such-context'));
    assert.equal(viaHelm.exitCode, 2, viaHelm.stderr);
    assert.match(viaHelm.stderr, /context "no-such-context" is not in/);
    const flag = await env.cli(['status', '--kube-context', 'no-such-context']);
    assert.equal(flag.exitCode, 2, flag.stderr);
    assert.match(flag.stderr, /context "no-such-context" is not in/);
    const both = await env.cli(['status', '--context', 'helm-canary-sim', '--kube-context', 'other']);
    assert.equal(both.exitCode, 2, both.stderr);
    assert.match(both.stderr, /two kubeconfig contexts are named: --context "helm-canary-sim" and --kube-context "other"/);
  });

  it('defect 4: a deploy into a missing namespace is a clear exit-2 error without --create-namespace', async () => {
    env.writeConfig();
    const r = await env.cli(['deploy', '--tag', '1.0', '--namespace', 'fresh']);
    assert.equal(r.exitCode, 2, r.stderr);
    assert.match(r.stderr, /namespace "fresh" does not exist[\s\S]*--create-namespace/);
    assert.equal(env.sim!.store.get(KINDS.namespace, '', 'fresh'), undefined);
  });

  it('defect 4: deploy --create-namespace (or helm.createNamespace) creates it before taking the lease', async () => {
    env.writeConfig();
    const r = await env.cli(['deploy', '--tag', '1.0', '--namespace', 'fresh', '--create-namespace']);
    assert.equal(r.exitCode, 0, r.stderr);
    assert.ok(env.sim!.store.get(KINDS.namespace, '', 'fresh'));
    env.writeConfig({ namespace: 'fresh2', helm: { timeout: '20s', createNamespace: true } });
    const viaConfig = await env.cli(['deploy', '--tag', '1.0']);
    assert.equal(viaConfig.exitCode, 0, viaConfig.stderr);
    assert.ok(env.sim!.store.get(KINDS.namespace, '', 'fresh2'));
  });
});
