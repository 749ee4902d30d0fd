// The simulator validates Istio objects against their CRD schemas as a real API server does
// (the same checks run against a real control plane in test-real/parity.test.ts).
import { after, before, describe, it } from 'node:test';
import { startCluster } from '../../sim/cluster.js';
import type { Cluster } from '../../sim/cluster.js';
import { checkIstioValidation, checkServerSideApplyTypes, simApi } from './parity-checks.js';

describe('parity with a real API server: Istio schemas', () => {
  let cluster: Cluster;
  before(async () => {
    cluster = await startCluster({ controllers: [], namespaces: ['parity'] });
  });
  after(() => cluster.stop());

  it('refuses creates, patches and updates that break the schema with a 422 listing every cause', () => checkIstioValidation(simApi(cluster.url), 'parity'));

  it('refuses a server-side apply with a wrongly typed field with a 500 "failed to create typed patch object"', () =>
    checkServerSideApplyTypes(simApi(cluster.url), 'parity'));
});
