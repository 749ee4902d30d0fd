import { afterEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { share } from '../../sim/mesh/index.js';
import { KINDS } from '../../sim/store/resources.js';
import { HOST, NS, STAGE1, givenShop } from './canary-fixture.js';

const running: { stop(): void }[] = [];
afterEach(() => {
  while (running.length > 0) running.pop()!.stop();
});

async function givenStableShop(options: Parameters<typeof givenShop>[1] = {}) {
  const shop = givenShop({ ...STAGE1 }, options);
  running.push(shop);
  await shop.waitRolledOut();
  await shop.clock.advance(1000); // let Envoy catch up with the ready pods
  return shop;
}

describe('mesh routing', () => {
  it('splits by the VirtualService weights, within tolerance, with a seeded source', async () => {
    const shop = await givenStableShop();
    shop.apply({ canaryTag: '84', canaryReplicas: 2 });
    await shop.waitRolledOut();
    shop.apply({ prodWeight: 90, canaryWeight: 10 });
    await shop.clock.advance(1000);
    const bySubset: Record<string, number> = {};
    const byVersion: Record<string, number> = {};
    for (let i = 0; i < 5000; i++) {
      const r = shop.traffic.route(HOST);
      assert.equal(r.ok, true);
      if (!r.ok) continue;
      bySubset[r.subset!] = (bySubset[r.subset!] ?? 0) + 1;
      byVersion[r.version] = (byVersion[r.version] ?? 0) + 1;
    }
    const canaryShare = bySubset.canary! / 5000;
    assert.ok(Math.abs(canaryShare - 0.1) < 0.02, `canary share ${canaryShare}`);
    assert.equal(byVersion['84'], bySubset.canary);
    assert.equal(byVersion['83'], bySubset.production);
  });

  it('routes by what Envoy knew a propagation delay ago', async () => {
    const shop = await givenStableShop({ meshPropagationDelayMs: 200 });
    shop.apply({ canaryTag: '84', canaryReplicas: 2 });
    await shop.waitRolledOut();
    await shop.clock.advance(1000);
    shop.apply({ prodWeight: 0, canaryWeight: 100 });
    await shop.clock.advance(150);
    assert.deepEqual(shop.traffic.inspect(HOST).routes.map((r) => r.weight), [100, 0]);
    assert.equal(shop.traffic.route(HOST).ok && shop.traffic.route(HOST).subset, 'production');
    await shop.clock.advance(50);
    assert.deepEqual(shop.traffic.inspect(HOST).routes.map((r) => r.weight), [0, 100]);
    const r = shop.traffic.route(HOST);
    assert.ok(r.ok && r.subset === 'canary' && r.version === '84');
  });

  it('fails with no healthy upstream when a routed subset has no ready pod', async () => {
    const shop = await givenStableShop();
    shop.apply({ canaryWeight: 100, prodWeight: 0 });
    await shop.clock.advance(1000);
    assert.deepEqual(shop.traffic.route(HOST), { ok: false, reason: 'no healthy upstream', subset: 'canary' });
  });

  it('fails with NR when the route names a subset the DestinationRule lacks', async () => {
    const shop = await givenStableShop();
    shop.apply({ canaryWeight: 100, prodWeight: 0, canarySubset: 'canary-v2' });
    await shop.clock.advance(1000);
    assert.deepEqual(shop.traffic.route(), { ok: false, reason: 'NR', subset: 'canary-v2' });
  });

  it('leaves out a pod that has ended, even one whose Ready condition still says True', async () => {
    const shop = await givenStableShop();
    // A run-to-completion pod the Service selects (a hook Job's, say), Succeeded with the Ready
    // condition it had while running: the EndpointSlice controller lists no ended pod.
    shop.store.create(KINDS.pod, {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'migrate-x2b4k', namespace: NS, labels: { app: 'productpage', canary: 'false' } },
      spec: { restartPolicy: 'Never', containers: [{ name: 'migrate', image: 'acr.io/bookinfo/productpage:83' }] },
      status: { phase: 'Succeeded', conditions: [{ type: 'Ready', status: 'True' }] },
    });
    await shop.clock.advance(1000);
    assert.deepEqual(shop.traffic.inspect(HOST).routes[0]!.endpoints.length, 2);
    const answered = new Set<string>();
    for (let i = 0; i < 300; i++) {
      const r = shop.traffic.route(HOST);
      assert.ok(r.ok);
      answered.add(r.pod);
    }
    assert.equal(answered.has('migrate-x2b4k'), false);
    assert.equal(answered.size, 2);
  });

  it('adds a pod to the endpoints only a propagation delay after it became ready', async () => {
    const shop = await givenStableShop({ meshPropagationDelayMs: 300, podReadyDelayMs: 1000 });
    shop.apply({ canaryTag: '84', canaryReplicas: 1 });
    await shop.clock.advance(1000);
    assert.ok(shop.rolledOut('productpagecanary'));
    assert.deepEqual(shop.traffic.inspect(HOST).routes[1]!.endpoints, []);
    await shop.clock.advance(300);
    assert.equal(shop.traffic.inspect(HOST).routes[1]!.endpoints.length, 1);
    assert.deepEqual(shop.traffic.inspect(HOST).routes[1]!.versions, ['84']);
  });

  it('sends some requests to pods already terminating when a subset scales down under traffic', async () => {
    const shop = await givenStableShop({ meshPropagationDelayMs: 500, podTerminationDelayMs: 100 });
    const load = shop.traffic.startLoad({ ratePerSecond: 200, host: HOST, durationMs: 10_000 });
    await shop.clock.advance(500);
    shop.apply({ prodReplicas: 1 });
    await shop.clock.advance(1500);
    const report = load.stop();
    assert.ok((report.failures['pod terminating'] ?? 0) > 0, JSON.stringify(report.failures));
    assert.equal(report.failures['no healthy upstream'], undefined);
  });
});

describe('load generator', () => {
  it('sends at the rate, counts per subset, version and window, and stops itself', async () => {
    const shop = await givenStableShop();
    const load = shop.traffic.startLoad({ ratePerSecond: 100, durationMs: 3000, windowMs: 1000 });
    await shop.clock.advance(1000);
    const t = shop.clock.now();
    assert.equal(load.snapshot().running, true);
    await shop.clock.advance(2500);
    const report = await load.done;
    assert.equal(report.running, false);
    assert.equal(report.stopReason, 'duration');
    assert.equal(report.total, 300);
    assert.equal(report.failed, 0);
    assert.deepEqual(report.byVersion, { '83': 300 });
    assert.deepEqual(report.bySubset, { production: 300 });
    assert.equal(report.windows.length, 3);
    assert.deepEqual(report.windows.map((w) => w.total), [99, 100, 101]);
    // Requests sent at exactly t count from t on: the tick at t sent request 100.
    assert.equal(load.since(t).total, 201);
    assert.equal(load.between(t, t + 1000).total, 100);
    assert.equal(share(load.since(t), 'canary'), 0);
    assert.equal(shop.clock.pending(), 0); // nothing of the load (or the controllers) left scheduled
  });
});
