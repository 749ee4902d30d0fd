// The HelmReleases adapter with the real helm 3 and helm 4: an upgrade with takeOwnership takes
// back a field someone changed by hand (helm 4 applies server-side and refuses without
// --force-conflicts), revisions() reads each revision's values through the helm CLI, against
// the simulated cluster and against helm's memory storage driver, and helm's release Secrets
// give the same answers as the helm CLI for one release.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { startCluster, type Cluster } from '../../sim/cluster.js';
import { KINDS } from '../../sim/store/resources.js';
import { HelmBlockedError } from '../../src/helm/helm-refusals.js';
import { ExecaHelmRunner } from '../../src/helm/index.js';
import { HelmReleasesAdapter } from '../../src/helm/helm-releases.js';
import { connectKube } from '../../src/kube/kube-context.js';
import { HelmReleaseStorage } from '../../src/kube/helm-release-storage.js';
import type { HelmReleases } from '../../src/rollout/ports.js';
import { HELM_MAJORS, helmBinaries, isolatedHelmEnv, repoRoot, type IsolatedHelm } from './helm-env.js';

const CHART = join(repoRoot, 'charts', 'canary-app');
const NAMESPACE = 'shop';

const upgradeArgv = (release: string, tag: string, replicas = 2) => [
  'upgrade', '--install', release, CHART, '--namespace', NAMESPACE,
  '--set', `productionDeployment.replicaCount=${replicas}`, '--set-string', `productionDeployment.image.tag=${tag}`,
];

for (const major of HELM_MAJORS) {
  describe(`HelmReleases with helm ${major} against the simulated cluster`, () => {
    let binaries: Record<3 | 4, string>;
    let cluster: Cluster;
    let isolated: IsolatedHelm;
    let env: Record<string, string>;
    before(async () => {
      binaries = await helmBinaries();
      cluster = await startCluster({ namespaces: [NAMESPACE], podReadyDelayMs: 0, podTerminationDelayMs: 0, meshPropagationDelayMs: 0 });
      isolated = isolatedHelmEnv();
      env = { ...isolated.env, KUBECONFIG: cluster.kubeconfigPath };
    });
    after(async () => {
      await cluster?.stop();
      isolated?.cleanup();
    });
    // Through the helm CLI only: no storage reader.
    const releasesWith = (helmMajor: 3 | 4, release: string) =>
      new HelmReleasesAdapter({ runner: new ExecaHelmRunner({ binary: binaries[helmMajor], env }), release, namespace: NAMESPACE, timeout: '1m' });

    const replicas = (release: string) =>
      (cluster.store.get(KINDS.deployment, NAMESPACE, `${release}-production`) as unknown as { spec: { replicas: number } }).spec.replicas;
    // What `kubectl edit` / `kubectl scale` does: an update owned by another field manager.
    async function editReplicas(release: string, value: number): Promise<void> {
      const url = `${cluster.url}/apis/apps/v1/namespaces/${NAMESPACE}/deployments/${release}-production?fieldManager=kubectl-edit`;
      const response = await fetch(url, {
        method: 'PATCH',
        headers: { 'content-type': 'application/merge-patch+json' },
        body: JSON.stringify({ spec: { replicas: value } }),
      });
      assert.equal(response.status, 200, await response.text());
      assert.equal(replicas(release), value);
    }

    it('an upgrade with takeOwnership takes back a field changed by hand', async () => {
      const releases = releasesWith(major, 'own');
      await releases.upgrade(upgradeArgv('own', '1.0'), { takeOwnership: true }); // installs
      await editReplicas('own', 5);
      await releases.upgrade(upgradeArgv('own', '1.0'), { takeOwnership: true });
      assert.equal(replicas('own'), 2);

      // Without it, helm 4 refuses (the runner reports the drift); helm 3 takes the field back anyway.
      await editReplicas('own', 5);
      if (major === 4) {
        await assert.rejects(releases.upgrade(upgradeArgv('own', '1.0')), (err: unknown) => {
          assert.ok(err instanceof HelmBlockedError, String(err));
          assert.match(err.message, /field manager "kubectl-edit"/);
          return true;
        });
        assert.equal(replicas('own'), 5);
      } else {
        await releases.upgrade(upgradeArgv('own', '1.0'));
        assert.equal(replicas('own'), 2);
      }
    });

    if (major === 4) {
      it('helm 4 taking over a release helm 3 installed (applied client-side) needs no --force-conflicts, and would refuse it', async () => {
        await releasesWith(3, 'migrated').upgrade(upgradeArgv('migrated', '1.0'));
        await editReplicas('migrated', 5);
        await releasesWith(4, 'migrated').upgrade(upgradeArgv('migrated', '1.0'), { takeOwnership: true });
        assert.equal(replicas('migrated'), 2);
        // The flag itself, which the adapter must not add here:
        const refused = await new ExecaHelmRunner({ binary: binaries[4], env })
          .upgrade([...upgradeArgv('migrated', '1.0'), '--force-conflicts'])
          .then(() => undefined, (err: Error) => err);
        assert.match(String(refused), /forceConflicts enabled when serverSideApply disabled/);
      });
    }

    it('revisions() lists each revision with its values, newest first, and [] for no release', async () => {
      const releases = releasesWith(major, 'hist');
      assert.deepEqual(await releases.revisions(), []);
      for (const tag of ['1.0', '1.1', '1.2']) await releases.upgrade(upgradeArgv('hist', tag));
      const values = (tag: string) => ({ productionDeployment: { replicaCount: 2, image: { tag } } });
      assert.deepEqual(await releases.revisions(), [
        { revision: 3, status: 'deployed', values: values('1.2'), description: 'Upgrade complete' },
        { revision: 2, status: 'superseded', values: values('1.1'), description: 'Upgrade complete' },
        { revision: 1, status: 'superseded', values: values('1.0'), description: 'Install complete' },
      ]);
    });

    it('helm\'s release Secrets and the helm CLI give the same answers for one release', async () => {
      // HELM_DRIVER=secret for helm and the adapter alike, whatever the developer's shell sets.
      const runner = new ExecaHelmRunner({ binary: binaries[major], env: { ...env, HELM_DRIVER: 'secret' } });
      const storage = new HelmReleaseStorage(await connectKube({ kubeconfig: cluster.kubeconfigPath }));
      const options = { runner, release: 'same', namespace: NAMESPACE, timeout: '1m', env: { HELM_DRIVER: 'secret' } };
      const viaSecrets = new HelmReleasesAdapter({ ...options, storage });
      const viaCli = new HelmReleasesAdapter(options);
      const answers = async (releases: HelmReleases) =>
        ({ status: await releases.status(), lastDeployed: await releases.lastDeployedRevision(), revisions: await releases.revisions() });

      const none = { status: undefined, lastDeployed: undefined, revisions: [] };
      assert.deepEqual(await answers(viaCli), none);
      assert.deepEqual(await answers(viaSecrets), none);

      await viaCli.upgrade(upgradeArgv('same', '1.0'));
      await viaCli.upgrade(upgradeArgv('same', '1.1'));
      await viaCli.rollbackTo(1);
      const fromCli = await answers(viaCli);
      assert.deepEqual(fromCli.status, { status: 'deployed', revision: 3 });
      assert.equal(fromCli.lastDeployed, 3);
      assert.deepEqual(fromCli.revisions.map((r) => [r.revision, r.status, r.description]), [
        [3, 'deployed', 'Rollback to 1'],
        [2, 'superseded', 'Upgrade complete'],
        [1, 'superseded', 'Install complete'],
      ]);
      assert.deepEqual(await answers(viaSecrets), fromCli);
    });
  });
}

describe('revisions() with helm\'s memory storage driver (a non-default driver)', () => {
  let isolated: IsolatedHelm;
  let data: string;
  before(() => {
    isolated = isolatedHelmEnv();
    data = join(isolated.dir, 'releases.yaml');
    // 23 revisions of one release; helm's memory driver reads them at start.
    const revisions = Array.from({ length: 23 }, (_, i) => ({
      name: 'long', namespace: NAMESPACE, version: i + 1,
      info: { status: i === 22 ? 'deployed' : 'superseded', description: 'Upgrade complete' },
      chart: { metadata: { name: 'canary-app', version: '0.1.0', appVersion: '1.0.0' } },
      config: { productionDeployment: { image: { tag: `1.${i + 1}` } } },
    }));
    writeFileSync(data, stringify(revisions));
  });
  after(() => isolated.cleanup());

  for (const major of HELM_MAJORS) {
    it(`helm ${major}: at most the newest 20, newest first`, async () => {
      const runner = new ExecaHelmRunner({
        binary: (await helmBinaries())[major],
        env: { ...isolated.env, HELM_DRIVER: 'memory', HELM_MEMORY_DRIVER_DATA: data },
      });
      const releases = (release: string) => new HelmReleasesAdapter({ runner, release, namespace: NAMESPACE, timeout: '1m' });
      const revisions = await releases('long').revisions();
      assert.deepEqual(revisions.map((r) => r.revision), Array.from({ length: 20 }, (_, i) => 23 - i));
      assert.deepEqual(revisions[0], { revision: 23, status: 'deployed', values: { productionDeployment: { image: { tag: '1.23' } } }, description: 'Upgrade complete' });
      assert.deepEqual(revisions.at(-1), { revision: 4, status: 'superseded', values: { productionDeployment: { image: { tag: '1.4' } } }, description: 'Upgrade complete' });
      assert.deepEqual(await releases('nosuch').revisions(), []);
    });
  }
});
