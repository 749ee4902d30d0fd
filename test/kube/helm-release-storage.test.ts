import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Cluster } from '../../sim/cluster.js';
import { KINDS } from '../../sim/store/resources.js';
import { HelmReleaseStorage, usesSecretStorage } from '../../src/kube/helm-release-storage.js';
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

  it('is used only with helm\'s Secret storage driver', () => {
    assert.equal(usesSecretStorage({}), true);
    assert.equal(usesSecretStorage({ HELM_DRIVER: 'secret' }), true);
    assert.equal(usesSecretStorage({ HELM_DRIVER: 'configmap' }), false);
    assert.equal(usesSecretStorage({ HELM_DRIVER: 'sql' }), false);
  });
});
