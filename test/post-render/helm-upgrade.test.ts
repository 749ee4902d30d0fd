// The overlay post-renderer in a real `helm upgrade --install` (helm 3 and helm 4) against the
// simulated cluster, run the way helm-canary runs it: the HelmReleases adapter over the execa
// runner, the post-renderer's environment given for that one upgrade (UpgradeOptions.env).
// helm owns what the post-renderer adds (uninstall removes it); a bad stage applies nothing.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { startCluster, type Cluster } from '../../sim/cluster.js';
import { KINDS } from '../../sim/store/resources.js';
import { ExecaHelmRunner } from '../../src/helm/execa-helm-runner.js';
import { HelmReleasesAdapter } from '../../src/helm/helm-releases.js';
import { postRendererInvocation, readPostRenderFailure } from '../../src/helm/post-renderer.js';
import { helmAvailable } from '../sim/helm-env.js';
import { createChart, makeHelm, makeWorkspace, STAGE, writeStageValues, type Helm } from './post-render-env.js';

for (const version of [3, 4] as const) {
  describe(`helm ${version} upgrade --install with the overlay post-renderer`, { skip: !helmAvailable() && 'run `npm run helm:setup` first' }, () => {
    let cluster: Cluster;
    let dir: string;
    let helm: Helm;
    let chart: string;
    const ns = `overlay${version}`;

    before(async () => {
      cluster = await startCluster({ controllers: [] });
      dir = await makeWorkspace();
      helm = await makeHelm(version, dir, cluster.kubeconfigPath);
      chart = await createChart(helm, dir);
    });
    after(async () => {
      await cluster.stop();
      await rm(dirname(dir), { recursive: true, force: true });
    });

    const releases = (release: string) =>
      new HelmReleasesAdapter({ runner: new ExecaHelmRunner({ binary: helm.binary, env: helm.env }), release, namespace: ns, timeout: '30s' });
    // An upgrade as helm-canary runs one: argv from the engine, the post-renderer's flags, its env for this run only.
    const upgrade = async (release: string, stage: unknown) => {
      const workDir = await mkdtemp(join(dir, 'work '));
      const values = await writeStageValues(workDir, stage);
      const invocation = await postRendererInvocation({ helmMajor: version, valuesFile: values, workDir, env: { ...process.env, ...helm.env }, helmBinary: helm.binary });
      const argv = ['upgrade', release, chart, '--install', '--create-namespace', '--namespace', ns, '--values', values, ...invocation.args];
      try {
        await releases(release).upgrade(argv, { env: invocation.env });
        return { ok: true as const };
      } catch (error) {
        return { ok: false as const, error: error as Error, failure: await readPostRenderFailure(invocation) };
      }
    };
    const get = (kind: keyof typeof KINDS, name: string) => cluster.store.get(KINDS[kind], ns, name);

    it('creates the canary Deployment, DestinationRule and VirtualService, owned by the release', async () => {
      const result = await upgrade('rel', STAGE);
      assert.equal(result.ok, true, result.ok ? '' : result.error.message);
      const canary = get('deployment', 'rel-web-canary');
      assert.ok(canary, 'the canary Deployment exists');
      assert.equal((canary.spec as any).template.spec.containers[0].image, 'nginx:1.26');
      assert.equal((get('deployment', 'rel-web')!.spec as any).template.spec.containers[0].image, 'nginx:1.25');
      assert.ok(get('destinationRule', 'rel-web'), 'the DestinationRule exists');
      assert.ok(get('virtualService', 'rel-web'), 'the VirtualService exists');
      for (const [kind, name] of [['deployment', 'rel-web-canary'], ['destinationRule', 'rel-web'], ['virtualService', 'rel-web']] as const) {
        assert.equal(get(kind, name)!.metadata.annotations?.['meta.helm.sh/release-name'], 'rel', `helm owns ${kind} ${name}`);
      }
      assert.match(await releases('rel').manifest(), /name: rel-web-canary/);
    });

    it("fails a bad stage's upgrade with the post-renderer's message and changes nothing", async () => {
      const before = JSON.stringify(get('virtualService', 'rel-web')!.spec);
      const status = await releases('rel').status();
      const result = await upgrade('rel', { ...STAGE, production: { ...STAGE.production, weight: 101 } });
      assert.equal(result.ok, false);
      const said = version === 3 ? result.ok ? '' : result.error.message : result.ok ? '' : (result.failure ?? '');
      assert.match(said, /helmCanary\.production\.weight: must be 0 to 100 \(got 101\)/);
      assert.deepEqual(await releases('rel').status(), status, 'no new revision');
      assert.equal(JSON.stringify(get('virtualService', 'rel-web')!.spec), before);
    });

    it('installs nothing at all when the first stage is bad', async () => {
      const result = await upgrade('other', { ...STAGE, routing: { hosts: 'shop.example' } });
      assert.equal(result.ok, false);
      assert.equal(await releases('other').status(), undefined, 'no release');
      assert.deepEqual(cluster.store.list(KINDS.deployment, ns).map((d) => d.metadata.name).sort(), ['rel-web', 'rel-web-canary']);
    });

    it('uninstall removes the generated objects with the chart\'s own', async () => {
      const run = await helm.run(['uninstall', 'rel', '--namespace', ns, '--wait']);
      assert.equal(run.code, 0, run.stderr);
      for (const kind of ['deployment', 'destinationRule', 'virtualService', 'service'] as const) {
        assert.deepEqual(cluster.store.list(KINDS[kind], ns).map((o) => o.metadata.name), [], `no ${kind} left`);
      }
    });
  });
}
