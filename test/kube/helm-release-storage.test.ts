import assert from 'node:assert/strict';
import { rm } from 'node:fs/promises';
import { after, before, describe, it } from 'node:test';
import type { Cluster } from '../../sim/cluster.js';
import { KINDS } from '../../sim/store/resources.js';
import { HelmReleaseStorage } from '../../src/kube/helm-release-storage.js';
import { InvalidRecordError } from '../../src/kube/kube-errors.js';
import { helmAvailable, makeHelm, writeChart, type HelmRunner } from '../sim/helm-env.js';
import { startKube } from './fixtures.js';

describe('HelmReleaseStorage', () => {
  let cluster: Cluster;
  let storage: HelmReleaseStorage;
  before(async () => {
    const started = await startKube(['apps']);
    cluster = started.cluster;
    storage = new HelmReleaseStorage(started.kube);
    // Helm's Secret storage: one Secret per revision, the revision and its status in labels.
    const revision = (release: string, version: number, status: string) =>
      cluster.store.create(KINDS.secret, {
        apiVersion: 'v1', kind: 'Secret', type: 'helm.sh/release.v1',
        metadata: { name: `sh.helm.release.v1.${release}.v${version}`, namespace: 'apps', labels: { owner: 'helm', name: release, version: String(version), status } },
        data: { release: '' },
      });
    revision('web', 1, 'superseded');
    revision('web', 2, 'deployed');
    revision('web', 10, 'pending-upgrade');
    revision('web-two', 1, 'deployed');
  });
  after(() => cluster?.stop());

  it('reports the latest revision (numerically) and its status', async () => {
    assert.deepEqual(await storage.status('apps', 'web'), { status: 'pending-upgrade', revision: 10 });
    assert.deepEqual(await storage.status('apps', 'web-two'), { status: 'deployed', revision: 1 });
  });

  it('finds the last deployed revision to go back to', async () => {
    assert.equal(await storage.lastDeployedRevision('apps', 'web'), 2);
  });

  it('knows nothing of a release that has no revision', async () => {
    assert.equal(await storage.status('apps', 'nope'), undefined);
    assert.equal(await storage.lastDeployedRevision('apps', 'nope'), undefined);
  });

  it('refuses a revision whose Secret does not hold a helm release, naming the Secret', async () => {
    await assert.rejects(storage.revisionValues('apps', 'web'), (err: unknown) => {
      assert.ok(err instanceof InvalidRecordError);
      assert.match(err.message, /^helm release Secret apps\/sh\.helm\.release\.v1\.web\.v10: /);
      return true;
    });
    assert.deepEqual(await storage.revisionValues('apps', 'nope'), []);
  });
});

// What the real helm binaries write: each revision's values, read back without running helm.
for (const version of [3, 4] as const) {
  describe(`HelmReleaseStorage.revisionValues with helm ${version}`, { skip: !helmAvailable() && 'run `npm run helm:setup` first' }, () => {
    let cluster: Cluster;
    let storage: HelmReleaseStorage;
    let chart: string;
    let helm: HelmRunner;
    before(async () => {
      const started = await startKube(['apps']);
      cluster = started.cluster;
      storage = new HelmReleaseStorage(started.kube);
      chart = await writeChart();
      helm = await makeHelm(version, cluster.kubeconfigPath);
    });
    after(async () => {
      await cluster?.stop();
      if (chart) await rm(chart, { recursive: true, force: true });
      if (helm) await rm(helm.home, { recursive: true, force: true });
    });
    const upgrade = async (release: string, ...set: string[]) => {
      // `--flag=value` words pass through as they are; the rest are --set values.
      const result = await helm(['upgrade', '--install', '-n', 'apps', release, chart, ...set.flatMap((s) => (s.startsWith('--') ? [s] : ['--set', s]))]);
      assert.equal(result.code, 0, result.stderr);
    };

    it('lists every revision with its own values, status and description, newest first', async () => {
      await upgrade('web', 'message=one');
      await upgrade('web', 'message=two', 'canaryWeight=10', '--description=helm-canary 1 -> 2: stage 2');
      await upgrade('web', 'message=three');
      assert.deepEqual(await storage.revisionValues('apps', 'web'), [
        { revision: 3, status: 'deployed', values: { message: 'three' }, description: 'Upgrade complete' },
        { revision: 2, status: 'superseded', values: { message: 'two', canaryWeight: 10 }, description: 'helm-canary 1 -> 2: stage 2' },
        { revision: 1, status: 'superseded', values: { message: 'one' }, description: 'Install complete' },
      ]);
    });

    it('gives {} for a revision installed without values', async () => {
      await upgrade('plain');
      assert.deepEqual(await storage.revisionValues('apps', 'plain'), [{ revision: 1, status: 'deployed', values: {}, description: 'Install complete' }]);
    });
  });
}
