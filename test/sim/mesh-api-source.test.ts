// One traffic model, two sources: the mesh fed by watches on the simulator's HTTP API must route
// exactly as the mesh fed by the store, with the same seed, once the watch has delivered the
// change: weights, not-ready pods, pods starting to terminate, the propagation delay, and a watch
// that the server ends (or an API server that goes away and comes back).
import { after, afterEach, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { ApiServer } from '../../sim/api/server.js';
import { startCluster } from '../../sim/cluster.js';
import type { Cluster } from '../../sim/cluster.js';
import { ManualClock } from '../../sim/controllers/clock.js';
import { MESH_KINDS, createTrafficOverApi, meshOverApi, meshOverStore, seededRandom } from '../../sim/mesh/index.js';
import type { ApiMesh, Mesh, MeshOverApiOptions, RouteResult } from '../../sim/mesh/index.js';
import { KINDS } from '../../sim/store/resources.js';
import type { KubeObject } from '../../sim/store/types.js';

const NS = 'shop';
const HOST = `productpage.${NS}.svc.cluster.local`;
const DELAY = 200;

function pod(name: string, canary: boolean, tag: string, ready = true): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace: NS, labels: { app: 'productpage', canary: String(canary) } },
    spec: { containers: [{ name: 'productpage', image: `repo/productpage:${tag}` }] },
    status: { phase: 'Running', conditions: [{ type: 'Ready', status: ready ? 'True' : 'False' }] },
  };
}

function virtualService(production: number, canary: number): KubeObject {
  return {
    apiVersion: 'networking.istio.io/v1beta1',
    kind: 'VirtualService',
    metadata: { name: 'productpage', namespace: NS },
    spec: {
      hosts: [HOST],
      http: [{ route: [{ destination: { host: HOST, subset: 'production' }, weight: production }, { destination: { host: HOST, subset: 'canary' }, weight: canary }] }],
    },
  };
}

// Both meshes, on one manual clock and the same seed, over one simulated cluster.
interface World {
  cluster: Cluster;
  clock: ManualClock;
  byStore: Mesh;
  byApi: ApiMesh;
  setWeights(production: number, canary: number): void;
  setPod(name: string, change: (pod: KubeObject) => void): void;
  synced(): Promise<void>;
  stop(): Promise<void>;
}

async function givenWorld(cluster: Cluster, apiOptions: Partial<MeshOverApiOptions> = {}): Promise<World> {
  const { store } = cluster;
  store.create(KINDS.service, { apiVersion: 'v1', kind: 'Service', metadata: { name: 'productpage', namespace: NS }, spec: { selector: { app: 'productpage' }, ports: [{ port: 9080 }] } });
  store.create(KINDS.destinationRule, {
    apiVersion: 'networking.istio.io/v1',
    kind: 'DestinationRule',
    metadata: { name: 'productpage', namespace: NS },
    spec: { host: HOST, subsets: [{ name: 'production', labels: { canary: 'false' } }, { name: 'canary', labels: { canary: 'true' } }] },
  });
  for (const p of [pod('prod-a', false, '83'), pod('prod-b', false, '83'), pod('canary-a', true, '84'), pod('canary-b', true, '84')]) store.create(KINDS.pod, p);
  store.create(KINDS.virtualService, virtualService(90, 10));

  const clock = new ManualClock();
  const byStore = meshOverStore(store, { clock, random: seededRandom(7), propagationDelayMs: DELAY });
  const byApi = await meshOverApi({ kubeconfig: cluster.kubeconfigPath, namespace: NS, clock, random: seededRandom(7), propagationDelayMs: DELAY, ...apiOptions });

  // The API mesh has seen everything once each kind's objects match the store's, version for version.
  const inSync = () =>
    MESH_KINDS.every((kind) => {
      const versions = (objects: KubeObject[]) => objects.map((o) => `${o.metadata.name}@${o.metadata.resourceVersion}`).sort().join();
      return versions(store.list(kind, NS)) === versions(byApi.source.list(kind, NS));
    });
  return {
    cluster,
    clock,
    byStore,
    byApi,
    setWeights(production, canary) {
      const live = store.get(KINDS.virtualService, NS, 'productpage')!;
      store.update(KINDS.virtualService, { ...live, spec: virtualService(production, canary).spec });
    },
    setPod(name, change) {
      const live = store.get(KINDS.pod, NS, name)!;
      change(live);
      store.update(KINDS.pod, live);
    },
    async synced() {
      for (let i = 0; i < 500 && !inSync(); i++) await sleep(10);
      assert.ok(inSync(), 'the API-backed mesh never saw the store catch up');
    },
    async stop() {
      byStore.stop();
      byApi.stop();
    },
  };
}

// Sends n requests through a mesh and summarises where they went.
function send(mesh: Mesh, n: number): { outcomes: Record<string, number>; sequence: string[] } {
  const outcomes: Record<string, number> = {};
  const sequence: string[] = [];
  for (let i = 0; i < n; i++) {
    const r: RouteResult = mesh.route(HOST);
    const label = r.ok ? `${r.subset}:${r.version}` : `${r.subset}:${r.reason}`;
    outcomes[label] = (outcomes[label] ?? 0) + 1;
    sequence.push(r.ok ? `${label}:${r.pod}` : label);
  }
  return { outcomes, sequence };
}

function assertSameRouting(world: World, n = 200): Record<string, number> {
  const byStore = send(world.byStore, n);
  const byApi = send(world.byApi, n);
  assert.deepEqual(byApi.sequence, byStore.sequence);
  assert.deepEqual(world.byApi.inspect(HOST), world.byStore.inspect(HOST));
  return byApi.outcomes;
}

describe('mesh over the API server', () => {
  let cluster: Cluster;
  let world: World | undefined;
  before(async () => {
    cluster = await startCluster({ controllers: [], namespaces: [NS] });
  });
  afterEach(async () => {
    await world?.stop();
    world = undefined;
    for (const kind of MESH_KINDS) for (const o of cluster.store.list(kind, NS)) cluster.store.delete(kind, NS, o.metadata.name);
  });
  after(() => cluster.stop());

  it('honours the weights as the store-backed mesh does, request for request', async () => {
    world = await givenWorld(cluster);
    assert.equal(world.byApi.source.istioVersion, 'v1');
    const outcomes = assertSameRouting(world, 4000);
    const canaryShare = (outcomes['canary:84'] ?? 0) / 4000;
    assert.ok(Math.abs(canaryShare - 0.1) < 0.02, `canary share ${canaryShare}`);
    assert.equal((outcomes['production:83'] ?? 0) + (outcomes['canary:84'] ?? 0), 4000);
  });

  it('sees a weight change only a propagation delay after it arrived', async () => {
    world = await givenWorld(cluster);
    world.setWeights(0, 100);
    await world.synced();
    await world.clock.advance(DELAY - 1);
    const before = assertSameRouting(world); // Envoy still routes 90/10
    assert.ok((before['production:83'] ?? 0) > 150, JSON.stringify(before));
    assert.equal(world.byApi.inspect(HOST).routes[1]!.weight, 10);
    await world.clock.advance(1);
    assert.deepEqual(assertSameRouting(world), { 'canary:84': 200 });
  });

  it('sends nothing to pods that are not ready: no healthy upstream', async () => {
    world = await givenWorld(cluster);
    for (const name of ['canary-a', 'canary-b']) world.setPod(name, (p) => ((p.status as any).conditions[0].status = 'False'));
    world.setWeights(0, 100);
    await world.synced();
    await world.clock.advance(DELAY);
    assert.deepEqual(world.byApi.route(HOST), { ok: false, reason: 'no healthy upstream', subset: 'canary' });
    assertSameRouting(world);
  });

  it('fails a request picked from the stale list for a pod that started terminating', async () => {
    world = await givenWorld(cluster);
    world.setWeights(100, 0);
    await world.synced();
    await world.clock.advance(DELAY);
    world.setPod('prod-a', (p) => (p.metadata.deletionTimestamp = new Date().toISOString()));
    world.setPod('prod-b', (p) => (p.metadata.deletionTimestamp = new Date().toISOString()));
    await world.synced();
    // Envoy still lists both pods, but each answers as a pod shutting down.
    assert.deepEqual(assertSameRouting(world), { 'production:pod terminating': 200 });
    await world.clock.advance(DELAY);
    assert.deepEqual(assertSameRouting(world), { 'production:no healthy upstream': 200 });
  });

  it('watches again when the server ends the watch, and keeps routing by what changed', async () => {
    world = await givenWorld(cluster, { watchTimeoutSeconds: 1 });
    const api = world.byApi;
    for (let i = 0; i < 300 && Object.values(api.source.stats()).some((s) => s.watches < 2); i++) await sleep(10);
    assert.ok(Object.values(api.source.stats()).every((s) => s.watches >= 2), JSON.stringify(api.source.stats()));
    world.setWeights(30, 70);
    await world.synced();
    await world.clock.advance(DELAY);
    assert.deepEqual(api.inspect(HOST).routes.map((r) => r.weight), [30, 70]);
    assertSameRouting(world);
  });
});

describe('traffic over an API server', () => {
  it('runs a load on the wall clock through the watched mesh and counts it as the simulator does', async () => {
    const cluster = await startCluster({ controllers: [], namespaces: [NS] });
    const world = await givenWorld(cluster);
    const traffic = await createTrafficOverApi({ kubeconfig: cluster.kubeconfigPath, namespace: NS, meshPropagationDelayMs: 50, seed: 3 });
    try {
      const load = traffic.startLoad({ ratePerSecond: 400, host: HOST, durationMs: 10_000 });
      await sleep(200);
      world.setPod('prod-a', (p) => (p.metadata.deletionTimestamp = new Date().toISOString()));
      await sleep(300);
      const report = load.stop();
      assert.ok(report.total >= 100, `only ${report.total} requests`);
      assert.equal(report.ok + report.failed, report.total);
      assert.ok((report.byVersion['84'] ?? 0) > 0 && (report.byVersion['83'] ?? 0) > 0, JSON.stringify(report.byVersion));
      // Once Envoy has caught up, the terminating pod gets nothing (a few requests in between may fail).
      assert.deepEqual(Object.keys(report.failures).filter((r) => r !== 'pod terminating'), []);
      assert.deepEqual(traffic.inspect(HOST).routes[0]!.endpoints, ['prod-b']);
    } finally {
      traffic.stop();
      await world.stop();
      await cluster.stop();
    }
  });
});

describe('mesh over an API server that goes away', () => {
  it('lists again when the server is back, so changes made meanwhile are not lost', async () => {
    const cluster = await startCluster({ controllers: [], namespaces: [NS] });
    let replacement: ApiServer | undefined;
    const world = await givenWorld(cluster, { retryDelayMs: 20 });
    try {
      await cluster.server.stop();
      world.setWeights(0, 100);
      world.setPod('canary-a', (p) => ((p.status as any).conditions[0].status = 'False'));
      cluster.store.delete(KINDS.pod, NS, 'prod-b');
      await sleep(100); // the watches fail and retry against nothing
      replacement = new ApiServer({ store: cluster.store, faults: cluster.faults, port: Number(new URL(cluster.url).port) });
      await replacement.start();
      await world.synced();
      await world.clock.advance(DELAY);
      assert.deepEqual(assertSameRouting(world), { 'canary:84': 200 });
      assert.deepEqual(world.byApi.inspect(HOST).routes[1]!.endpoints, ['canary-b']);
      assert.ok(Object.values(world.byApi.source.stats()).every((s) => s.errors >= 1), JSON.stringify(world.byApi.source.stats()));
    } finally {
      await world.stop();
      await replacement?.stop();
      await cluster.stop();
    }
  });
});
