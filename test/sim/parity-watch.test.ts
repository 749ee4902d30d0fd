// The simulator's watches start from a resourceVersion as a real API server's do (the same checks
// run against a real control plane in test-real/parity.test.ts), and answer one older than their
// history with 410 Gone, which a fresh real control plane cannot be made to do in a test.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { startCluster } from '../../sim/cluster.js';
import type { Cluster } from '../../sim/cluster.js';
import { checkWatchReplay, simApi } from './parity-checks.js';

describe('parity with a real API server: watches', () => {
  let cluster: Cluster;
  before(async () => {
    cluster = await startCluster({ controllers: [], namespaces: ['parity'] });
  });
  after(() => cluster.stop());

  it('replays the changes after a past resourceVersion, through label selectors too', () => checkWatchReplay(simApi(cluster.url), 'parity'));
});

describe('watch history', () => {
  let cluster: Cluster;
  before(async () => {
    cluster = await startCluster({ controllers: [], namespaces: ['gone'], watchHistory: 3 });
  });
  after(() => cluster.stop());

  it('answers a resourceVersion older than the history with an ERROR event carrying 410 Expired, then ends', async () => {
    const api = simApi(cluster.url);
    const cms = '/api/v1/namespaces/gone/configmaps';
    const start = (await api.call('GET', cms)).body.metadata.resourceVersion as string;
    for (const name of ['a', 'b', 'c', 'd']) assert.equal((await api.call('POST', cms, JSON.stringify({ metadata: { name } }))).status, 201);
    const current = Number((await api.call('GET', cms)).body.metadata.resourceVersion);

    const expired = await api.call('GET', `${cms}?watch=true&resourceVersion=${start}`);
    assert.equal(expired.status, 200);
    const oldest = current - 3;
    assert.deepEqual(JSON.parse(expired.text), {
      type: 'ERROR',
      object: { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message: `too old resource version: ${start} (${oldest})`, reason: 'Expired', code: 410 },
    });
    assert.equal(cluster.server.activeWatches, 0);

    // The oldest resourceVersion still covered replays what followed it.
    const replay = await api.call('GET', `${cms}?watch=true&timeoutSeconds=1&resourceVersion=${oldest}`);
    assert.deepEqual(replay.text.trim().split('\n').map((l) => JSON.parse(l).object.metadata.name), ['b', 'c', 'd']);
  });
});
