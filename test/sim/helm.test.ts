// The real helm 3 and helm 4 binaries against the simulated API server: install, upgrade,
// get values, history, rollback and uninstall all succeed, and the store holds what helm wrote.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { rm } from 'node:fs/promises';
import { startCluster } from '../../sim/cluster.js';
import type { Cluster } from '../../sim/cluster.js';
import { KINDS } from '../../sim/store/resources.js';
import { helmAvailable, makeHelm, writeChart } from './helm-env.js';
import type { HelmRunner } from './helm-env.js';

type JsonMap = Record<string, any>;

for (const version of [3, 4] as const) {
  describe(`helm ${version} against the simulated cluster`, { skip: !helmAvailable() && 'run `npm run helm:setup` first' }, () => {
    let cluster: Cluster;
    let chart: string;
    let helm: HelmRunner;
    const ns = `helm${version}`;

    before(async () => {
      cluster = await startCluster({ controllers: [] });
      chart = await writeChart();
      helm = await makeHelm(version, cluster.kubeconfigPath);
    });
    after(async () => {
      await cluster.stop();
      await rm(chart, { recursive: true, force: true });
      await rm(helm.home, { recursive: true, force: true });
    });

    const run = async (args: string[]) => {
      const result = await helm(args);
      assert.equal(result.code, 0, `helm ${args.join(' ')} failed:\n${result.stderr}`);
      return result.stdout;
    };
    const upgrade = (...set: string[]) =>
      run(['upgrade', '--install', '--wait', '--timeout', '30s', '--create-namespace', '-n', ns, 'rel', chart, ...set.flatMap((s) => ['--set', s])]);
    const weights = () =>
      ((cluster.store.get(KINDS.virtualService, ns, 'rel-vs')!.spec as JsonMap).http[0].route as JsonMap[]).map((r) => r.weight);

    it('installs into a namespace it creates', async () => {
      await upgrade();
      assert.ok(cluster.store.get(KINDS.namespace, undefined, ns));
      assert.equal((cluster.store.get(KINDS.configMap, ns, 'rel-cfg')!.data as JsonMap).message, 'hello');
      assert.match(String((cluster.store.get(KINDS.service, ns, 'rel-svc')!.spec as JsonMap).clusterIP), /^10\.96\./);
      assert.deepEqual(weights(), [100, 0]);
      const releases = cluster.store.list(KINDS.secret, ns).filter((s) => s.type === 'helm.sh/release.v1');
      assert.deepEqual(releases.map((s) => s.metadata.labels?.status), ['deployed']);
    });

    it('upgrades with changed values, through the patch type each version uses', async () => {
      cluster.requests.clear();
      await upgrade('message=bye', 'canaryWeight=10');
      assert.equal((cluster.store.get(KINDS.configMap, ns, 'rel-cfg')!.data as JsonMap).message, 'bye');
      assert.deepEqual(weights(), [90, 10]);
      const patchTypes = new Set(cluster.requests.find('PATCH', /virtualservices/).map((r) => r.contentType));
      assert.deepEqual([...patchTypes], [version === 3 ? 'application/merge-patch+json' : 'application/apply-patch+yaml']);
    });

    it('reads values and history', async () => {
      assert.match(await run(['get', 'values', '-n', ns, 'rel']), /canaryWeight: 10/);
      const history = await run(['history', '-n', ns, 'rel']);
      assert.match(history, /1\s+.*superseded/);
      assert.match(history, /2\s+.*deployed/);
    });

    it('rolls back to the first revision', async () => {
      await run(['rollback', '-n', ns, 'rel', '1', '--wait']);
      assert.deepEqual(weights(), [100, 0]);
      assert.equal((cluster.store.get(KINDS.configMap, ns, 'rel-cfg')!.data as JsonMap).message, 'hello');
    });

    it('uninstalls, leaving no object and no release behind', async () => {
      await run(['uninstall', '-n', ns, 'rel', '--wait']);
      assert.equal(cluster.store.get(KINDS.configMap, ns, 'rel-cfg'), undefined);
      assert.equal(cluster.store.get(KINDS.virtualService, ns, 'rel-vs'), undefined);
      assert.equal(cluster.store.list(KINDS.secret, ns).length, 0);
    });
  });
}
