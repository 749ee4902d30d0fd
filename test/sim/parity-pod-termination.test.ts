// The simulator ends a deleted pod's life as a real cluster (kwok as test/control-plane runs it)
// does: after the termination delay, or the grace period when shorter; a grace period of 0 at once
// (the same checks run against a real control plane in test-real/parity.test.ts).
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { startCluster } from '../../sim/cluster.js';
import { terminationDelay } from '../../sim/controllers/kubelet.js';
import type { Cluster } from '../../sim/cluster.js';
import { PARITY_TERMINATION_DELAY_MS, checkPodTermination, simApi } from './parity-checks.js';

describe('parity with a real API server: pod termination', () => {
  let cluster: Cluster;
  before(async () => {
    cluster = await startCluster({ namespaces: ['parity'], podTerminationDelayMs: PARITY_TERMINATION_DELAY_MS });
  });
  after(() => cluster.stop());

  it('removes a deleted pod after min(termination delay, grace period), at once for a grace period of 0', () => checkPodTermination(simApi(cluster.url), 'parity'));
});

describe('terminationDelay', () => {
  const cases: [string, number, number | undefined, number][] = [
    ['the delay when the grace period is longer', 10, 30, 10],
    ['the grace period when it is shorter', 3000, 1, 1000],
    ['the delay when they are equal', 1000, 1, 1000],
    ['the delay when the pod carries no grace period', 3000, undefined, 3000],
    ['nothing for a grace period of 0', 3000, 0, 0],
  ];
  for (const [name, delayMs, graceSeconds, want] of cases) {
    it(name, () => assert.equal(terminationDelay(delayMs, graceSeconds), want));
  }
});
