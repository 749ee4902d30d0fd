// The simulator answers a DELETE as a real API server does (the same checks run against a real
// control plane in test-real/parity.test.ts).
import { after, before, describe, it } from 'node:test';
import { startCluster } from '../../sim/cluster.js';
import type { Cluster } from '../../sim/cluster.js';
import { checkDeleteAnswer, simApi } from './parity-checks.js';

describe('parity with a real API server: deletes', () => {
  let cluster: Cluster;
  before(async () => {
    cluster = await startCluster({ controllers: [], namespaces: ['parity'] });
  });
  after(() => cluster.stop());

  it('answers the DELETE of a ConfigMap or a VirtualService with a Status naming it', () => checkDeleteAnswer(simApi(cluster.url), 'parity'));
});
