// The key property of the mesh model, at the store level: the seed's literal stage 2
// (canary pods and 10 % of the traffic in one upgrade) loses requests while the canary pods
// start; the same change applied pods-first loses none. And the mirror image at the end of a
// release: removing the canary pods right after the weight went to 0, before Envoy saw it, loses
// requests too.
import { afterEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { share } from '../../sim/mesh/index.js';
import { HOST, STAGE1, givenShop } from './canary-fixture.js';

const running: { stop(): void }[] = [];
afterEach(() => {
  while (running.length > 0) running.pop()!.stop();
});

async function givenStableShopUnderLoad() {
  const shop = givenShop({ ...STAGE1 }, { podReadyDelayMs: 1500, meshPropagationDelayMs: 200, podTerminationDelayMs: 100, seed: 7 });
  running.push(shop);
  await shop.waitRolledOut();
  await shop.clock.advance(1000);
  const load = shop.traffic.startLoad({ ratePerSecond: 200, host: HOST, durationMs: 60_000 });
  await shop.clock.advance(1000);
  return { shop, load };
}

describe('make-before-break', () => {
  it("the seed's literal stage 2 (pods and 10 % at once) fails requests while canary pods start", async () => {
    const { shop, load } = await givenStableShopUnderLoad();
    shop.apply({ canaryTag: '84', canaryReplicas: 2, prodWeight: 90, canaryWeight: 10 });
    await shop.waitRolledOut(); // helm --wait: returns once the canary pods are ready
    await shop.clock.advance(2000);
    const report = load.stop();
    assert.ok(report.failed > 0, 'expected failures');
    assert.deepEqual(Object.keys(report.failures), ['no healthy upstream']);
    assert.deepEqual(report.failuresBySubset, { canary: report.failed });
    assert.equal(shop.errors.length, 0);
  });

  it('the same change applied pods-first (weight 0, wait ready, then weight 10) loses none', async () => {
    const { shop, load } = await givenStableShopUnderLoad();
    shop.apply({ canaryTag: '84', canaryReplicas: 2 }, ['deployments']);
    await shop.waitRolledOut();
    shop.apply({ prodWeight: 90, canaryWeight: 10 }, ['routes']);
    const switched = shop.clock.now();
    await shop.clock.advance(5000);
    const report = load.stop();
    assert.equal(report.failed, 0, JSON.stringify(report.failures));
    const after = load.since(switched + 200);
    assert.ok(after.total > 900);
    assert.ok(Math.abs(share(after, 'canary') - 0.1) < 0.04, `canary share ${share(after, 'canary')}`);
    assert.equal(after.byVersion['84'], after.bySubset.canary);
  });

  it('scaling the canary to 0 right after its weight went to 0 fails requests; waiting for propagation does not', async () => {
    for (const waitForPropagation of [false, true]) {
      const { shop, load } = await givenStableShopUnderLoad();
      shop.apply({ canaryTag: '84', canaryReplicas: 2 }, ['deployments']);
      await shop.waitRolledOut();
      shop.apply({ prodWeight: 0, canaryWeight: 100 }, ['routes']);
      await shop.clock.advance(1000);
      // Stage 6 (weight back to production), then stage 7 (canary to 0 replicas).
      shop.apply({ prodWeight: 100, canaryWeight: 0 }, ['routes']);
      if (waitForPropagation) await shop.clock.advance(shop.traffic.mesh.propagationDelayMs);
      shop.apply({ canaryReplicas: 0 }, ['deployments']);
      await shop.waitRolledOut();
      await shop.clock.advance(1000);
      const report = load.stop();
      if (waitForPropagation) assert.equal(report.failed, 0, JSON.stringify(report.failures));
      else assert.ok(report.failed > 0, 'expected failures');
      shop.stop();
    }
  });
});
