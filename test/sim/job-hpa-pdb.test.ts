// The controllers behind the kinds charts add beyond a Deployment: the Job controller (helm waits
// on hook Jobs), the HorizontalPodAutoscaler controller and the disruption controller's PDB status,
// on a manual clock. Also what the API server says about them (discovery, Job validation).
import { afterEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { startCluster } from '../../sim/cluster.js';
import { Faults } from '../../sim/faults.js';
import { ManualClock, startControllers } from '../../sim/controllers/index.js';
import { PodMetrics } from '../../sim/metrics.js';
import { MemoryStore } from '../../sim/store/memory-store.js';
import { KINDS } from '../../sim/store/resources.js';
import type { KubeObject } from '../../sim/store/types.js';

type Json = Record<string, any>;

const running: { stop(): void | Promise<void> }[] = [];
afterEach(async () => {
  while (running.length > 0) await running.pop()!.stop();
});

// Given: a store with namespace `ns`, the default controllers on a manual clock (pods ready after 1 s,
// run-to-completion pods exit 1 s after that).
function givenCluster() {
  const clock = new ManualClock();
  const store = new MemoryStore({ now: () => new Date(clock.now()) });
  store.create(KINDS.namespace, { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'ns' } });
  const faults = new Faults();
  const metrics = new PodMetrics();
  const errors: unknown[] = [];
  const controllers = startControllers({
    store,
    faults,
    options: { podReadyDelayMs: 1000, podRunToCompletionMs: 1000, podTerminationDelayMs: 100, clock, metrics, onError: (e) => errors.push(e) },
  });
  running.push(controllers);
  return { clock, store, faults, metrics, errors };
}

function job(image = 'repo/migrate:1', backoffLimit?: number): KubeObject {
  return {
    apiVersion: 'batch/v1',
    kind: 'Job',
    metadata: { name: 'migrate', namespace: 'ns' },
    spec: {
      ...(backoffLimit !== undefined ? { backoffLimit } : {}),
      template: { metadata: { labels: { app: 'migrate' } }, spec: { restartPolicy: 'Never', containers: [{ name: 'migrate', image }] } },
    },
  };
}

function deployment(name: string, labels: Record<string, string>, selector: Record<string, string>, replicas: number | undefined, image: string): KubeObject {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name, namespace: 'ns' },
    spec: {
      ...(replicas !== undefined ? { replicas } : {}),
      selector: { matchLabels: selector },
      template: { metadata: { labels }, spec: { containers: [{ name: 'app', image }] } },
    },
  };
}

function hpa(target: string, minReplicas: number, maxReplicas: number): KubeObject {
  return {
    apiVersion: 'autoscaling/v2',
    kind: 'HorizontalPodAutoscaler',
    metadata: { name: target, namespace: 'ns' },
    spec: {
      scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: target },
      minReplicas,
      maxReplicas,
      metrics: [{ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 80 } } }],
    },
  };
}

const condition = (o: KubeObject | undefined, type: string): Json | undefined => ((o?.status as Json)?.conditions ?? []).find((c: Json) => c.type === type);
const PRODUCTION = { app: 'web', instance: 'shop' };
// A canary's pods lack one key of production's selector, so production's selector never matches them.
const CANARY = { app: 'web', track: 'canary' };

describe('Job controller', () => {
  it('runs the pod and marks the Job Complete once the pod has succeeded', async () => {
    const { clock, store, errors } = givenCluster();
    store.create(KINDS.job, job());
    await clock.advance(0);
    const created = store.get(KINDS.job, 'ns', 'migrate')!;
    const selector = (created.spec as Json).selector.matchLabels;
    assert.deepEqual(Object.keys(selector), ['batch.kubernetes.io/controller-uid']);
    const pods = store.list(KINDS.pod, 'ns');
    assert.equal(pods.length, 1);
    assert.equal(pods[0]!.metadata.labels?.['job-name'], 'migrate');
    assert.equal((created.status as Json).active, 1);
    assert.equal(condition(created, 'Complete'), undefined);

    await clock.advance(1000); // running
    assert.equal((store.list(KINDS.pod, 'ns')[0]!.status as Json).phase, 'Running');
    assert.equal(condition(store.get(KINDS.job, 'ns', 'migrate'), 'Complete'), undefined);
    await clock.advance(1000); // exited 0
    const done = store.get(KINDS.job, 'ns', 'migrate')!;
    assert.equal((store.list(KINDS.pod, 'ns')[0]!.status as Json).phase, 'Succeeded');
    assert.deepEqual(((done.status as Json).conditions as Json[]).map((c) => [c.type, c.status, c.reason]), [
      ['SuccessCriteriaMet', 'True', 'CompletionsReached'],
      ['Complete', 'True', 'CompletionsReached'],
    ]);
    assert.equal((done.status as Json).succeeded, 1);
    assert.equal((done.status as Json).active, undefined);
    assert.equal(typeof (done.status as Json).completionTime, 'string');
    // Deleting the Job (helm's before-hook-creation) takes its pod with it.
    store.delete(KINDS.job, 'ns', 'migrate');
    assert.deepEqual(store.list(KINDS.pod, 'ns'), []);
    assert.deepEqual(errors, []);
  });

  it('retries failed pods up to backoffLimit, then marks the Job Failed', async () => {
    const { clock, store, faults } = givenCluster();
    faults.setImageBehaviour('repo/migrate:bad', 'crash-loop');
    store.create(KINDS.job, job('repo/migrate:bad', 1));
    await clock.advance(0);
    await clock.advance(2000); // first pod fails, a second starts
    assert.equal((store.get(KINDS.job, 'ns', 'migrate')!.status as Json).failed, 1);
    assert.equal(store.list(KINDS.pod, 'ns').length, 2);
    await clock.advance(2000);
    const failed = store.get(KINDS.job, 'ns', 'migrate')!;
    assert.equal((failed.status as Json).failed, 2);
    assert.equal(condition(failed, 'Failed')?.reason, 'BackoffLimitExceeded');
    assert.equal(condition(failed, 'Complete'), undefined);
    assert.deepEqual(store.list(KINDS.pod, 'ns').map((p) => (p.status as Json).phase), ['Failed', 'Failed']);
  });
});

describe('HorizontalPodAutoscaler controller', () => {
  it('scales a Deployment without replicas to minReplicas even without metrics, and says it has none', async () => {
    const { clock, store } = givenCluster();
    store.create(KINDS.deployment, deployment('shop', PRODUCTION, PRODUCTION, undefined, 'repo/web:1'));
    await clock.advance(0);
    assert.equal((store.get(KINDS.deployment, 'ns', 'shop')!.spec as Json).replicas, 1, 'the API server defaults replicas to 1');
    store.create(KINDS.horizontalPodAutoscaler, hpa('shop', 2, 4));
    await clock.advance(0);
    assert.equal((store.get(KINDS.deployment, 'ns', 'shop')!.spec as Json).replicas, 2);
    await clock.advance(1000);
    const status = store.get(KINDS.horizontalPodAutoscaler, 'ns', 'shop')!.status as Json;
    assert.equal(status.desiredReplicas, 2);
    assert.equal(condition(store.get(KINDS.horizontalPodAutoscaler, 'ns', 'shop'), 'ScalingActive')?.reason, 'FailedGetResourceMetric');
    assert.equal(store.list(KINDS.pod, 'ns').length, 2);
  });

  it("averages CPU over the pods its target's selector matches: a canary's pods never count", async () => {
    const { clock, store, metrics } = givenCluster();
    store.create(KINDS.deployment, deployment('shop', PRODUCTION, PRODUCTION, 2, 'repo/web:1'));
    store.create(KINDS.deployment, deployment('shop-canary', CANARY, CANARY, 1, 'repo/web:2'));
    store.create(KINDS.horizontalPodAutoscaler, hpa('shop', 2, 5));
    await clock.advance(0);
    await clock.advance(1000);
    metrics.setCpuUtilization('repo/web:2', 400); // the canary is melting
    metrics.setCpuUtilization('repo/web:1', 84); // production is within the 10% tolerance of 80
    await clock.advance(0);
    assert.equal((store.get(KINDS.deployment, 'ns', 'shop')!.spec as Json).replicas, 2);
    const hpaStatus = store.get(KINDS.horizontalPodAutoscaler, 'ns', 'shop')!.status as Json;
    assert.equal(hpaStatus.currentMetrics[0].resource.current.averageUtilization, 84);
    assert.equal((store.get(KINDS.deployment, 'ns', 'shop-canary')!.spec as Json).replicas, 1);

    metrics.setCpuUtilization('repo/web:1', 160); // twice the target: 2 pods -> 4
    await clock.advance(0);
    assert.equal((store.get(KINDS.deployment, 'ns', 'shop')!.spec as Json).replicas, 4);
    await clock.advance(1000); // the new pods are ready and report 160 too: 4 -> 8, held at 5
    assert.equal((store.get(KINDS.deployment, 'ns', 'shop')!.spec as Json).replicas, 5);
    assert.equal(condition(store.get(KINDS.horizontalPodAutoscaler, 'ns', 'shop'), 'ScalingLimited')?.reason, 'TooManyReplicas');
  });
});

describe('disruption controller', () => {
  it("counts the ready pods a PDB's selector matches, not the other track's", async () => {
    const { clock, store } = givenCluster();
    store.create(KINDS.deployment, deployment('shop', PRODUCTION, PRODUCTION, 3, 'repo/web:1'));
    store.create(KINDS.deployment, deployment('shop-canary', CANARY, CANARY, 2, 'repo/web:2'));
    store.create(KINDS.podDisruptionBudget, {
      apiVersion: 'policy/v1',
      kind: 'PodDisruptionBudget',
      metadata: { name: 'shop', namespace: 'ns' },
      spec: { minAvailable: 2, selector: { matchLabels: PRODUCTION } },
    });
    await clock.advance(0);
    const before = store.get(KINDS.podDisruptionBudget, 'ns', 'shop')!;
    assert.deepEqual(pick(before.status as Json), { currentHealthy: 0, desiredHealthy: 2, expectedPods: 3, disruptionsAllowed: 0 });
    assert.equal(condition(before, 'DisruptionAllowed')?.reason, 'InsufficientPods');
    await clock.advance(1000);
    const after = store.get(KINDS.podDisruptionBudget, 'ns', 'shop')!;
    assert.deepEqual(pick(after.status as Json), { currentHealthy: 3, desiredHealthy: 2, expectedPods: 3, disruptionsAllowed: 1 });
    assert.equal(condition(after, 'DisruptionAllowed')?.status, 'True');

    // A percentage resolves against the Deployment's scale (rounded up).
    const pdb = store.get(KINDS.podDisruptionBudget, 'ns', 'shop')!;
    (pdb.spec as Json).minAvailable = '50%';
    store.update(KINDS.podDisruptionBudget, pdb);
    await clock.advance(0);
    assert.deepEqual(pick(store.get(KINDS.podDisruptionBudget, 'ns', 'shop')!.status as Json), { currentHealthy: 3, desiredHealthy: 2, expectedPods: 3, disruptionsAllowed: 1 });
  });
});

function pick(status: Json) {
  const { currentHealthy, desiredHealthy, expectedPods, disruptionsAllowed } = status;
  return { currentHealthy, desiredHealthy, expectedPods, disruptionsAllowed };
}

describe('the API server and the kinds charts add', () => {
  it('serves Jobs, HPAs, PDBs and Ingresses in discovery and OpenAPI, and refuses a Job that would restart forever', async () => {
    const cluster = await startCluster({ controllers: [] });
    running.push(cluster);
    const get = async (path: string) => (await fetch(`${cluster.url}${path}`)).json() as Promise<Json>;
    const names = async (gv: string) => ((await get(gv)).resources as Json[]).map((r) => r.name);
    assert.deepEqual(await names('/apis/batch/v1'), ['jobs', 'jobs/status']);
    assert.deepEqual(await names('/apis/autoscaling/v2'), ['horizontalpodautoscalers', 'horizontalpodautoscalers/status']);
    assert.deepEqual(await names('/apis/policy/v1'), ['poddisruptionbudgets', 'poddisruptionbudgets/status']);
    assert.deepEqual(await names('/apis/networking.k8s.io/v1'), ['ingresses', 'ingresses/status']);
    const openapi = await get('/openapi/v3');
    for (const gv of ['apis/batch/v1', 'apis/autoscaling/v2', 'apis/policy/v1', 'apis/networking.k8s.io/v1']) assert.ok(openapi.paths[gv], gv);

    const body = job();
    (body.spec as Json).template.spec.restartPolicy = undefined;
    const refused = await fetch(`${cluster.url}/apis/batch/v1/namespaces/default/jobs`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ ...body, metadata: { name: 'migrate' } }) });
    assert.equal(refused.status, 422);
    // As kube-apiserver 1.37 answers it.
    assert.deepEqual(await refused.json(), {
      kind: 'Status',
      apiVersion: 'v1',
      metadata: {},
      status: 'Failure',
      message: 'Job.batch "migrate" is invalid: spec.template.spec.restartPolicy: Required value: valid values: "OnFailure", "Never"',
      reason: 'Invalid',
      details: {
        name: 'migrate',
        group: 'batch',
        kind: 'Job',
        causes: [{ reason: 'FieldValueRequired', message: 'Required value: valid values: "OnFailure", "Never"', field: 'spec.template.spec.restartPolicy' }],
      },
      code: 422,
    });
  });
});

describe('an HPA owns the replicas it sets', () => {
  it('a later server-side apply of other replicas conflicts with the HPA, as on a real cluster', async () => {
    const cluster = await startCluster({ podReadyDelayMs: 1 });
    running.push(cluster);
    const apply = (path: string, body: KubeObject, force = false) =>
      fetch(`${cluster.url}${path}?fieldManager=helm${force ? '&force=true' : ''}`, {
        method: 'PATCH',
        headers: { 'content-type': 'application/apply-patch+yaml' },
        body: JSON.stringify(body),
      });
    const shop: KubeObject = { ...deployment('shop', PRODUCTION, PRODUCTION, 1, 'repo/web:1'), metadata: { name: 'shop', namespace: 'default' } };
    assert.equal((await apply('/apis/apps/v1/namespaces/default/deployments/shop', shop)).status, 201);
    const autoscaler = { ...hpa('shop', 3, 5), metadata: { name: 'shop', namespace: 'default' } };
    assert.equal((await apply('/apis/autoscaling/v2/namespaces/default/horizontalpodautoscalers/shop', autoscaler)).status, 201);
    await new Promise((resolve) => setTimeout(resolve, 20));
    const scaled = cluster.store.get(KINDS.deployment, 'default', 'shop')!;
    assert.equal((scaled.spec as Json).replicas, 3);
    assert.deepEqual(
      (scaled.metadata.managedFields as Json[]).map((m) => [m.manager, m.operation, m.subresource]),
      [['helm', 'Apply', undefined], ['kube-controller-manager', 'Update', 'scale']],
    );

    // The same manifest again (replicas: 1) now fights the HPA.
    const conflict = await apply('/apis/apps/v1/namespaces/default/deployments/shop', shop);
    assert.equal(conflict.status, 409);
    // As kube-apiserver 1.37 answers it.
    const { message, details } = (await conflict.json()) as Json;
    assert.equal(message, 'Apply failed with 1 conflict: conflict with "kube-controller-manager" with subresource "scale" using apps/v1: .spec.replicas');
    assert.deepEqual(details.causes, [{ reason: 'FieldManagerConflict', message: 'conflict with "kube-controller-manager" with subresource "scale" using apps/v1', field: '.spec.replicas' }]);
    // A manifest without replicas (a chart with autoscaling on) applies cleanly and keeps the HPA's count.
    const { replicas: _, ...withoutReplicas } = shop.spec as Json;
    assert.equal((await apply('/apis/apps/v1/namespaces/default/deployments/shop', { ...shop, spec: withoutReplicas })).status, 200);
    assert.equal((cluster.store.get(KINDS.deployment, 'default', 'shop')!.spec as Json).replicas, 3);
  });
});

describe('the Eviction API', () => {
  it("evicts a pod only while its PDB allows a disruption; the other track's pods are not its budget's", async () => {
    const cluster = await startCluster({ podReadyDelayMs: 1, podTerminationDelayMs: 60_000 });
    running.push(cluster);
    const { store } = cluster;
    store.create(KINDS.deployment, { ...deployment('shop', PRODUCTION, PRODUCTION, 3, 'repo/web:1'), metadata: { name: 'shop', namespace: 'default' } });
    store.create(KINDS.deployment, { ...deployment('shop-canary', CANARY, CANARY, 1, 'repo/web:2'), metadata: { name: 'shop-canary', namespace: 'default' } });
    store.create(KINDS.podDisruptionBudget, {
      apiVersion: 'policy/v1',
      kind: 'PodDisruptionBudget',
      metadata: { name: 'shop', namespace: 'default' },
      spec: { minAvailable: 2, selector: { matchLabels: PRODUCTION } },
    });
    const ready = () => store.list(KINDS.pod, 'default').filter((p) => condition(p, 'Ready')?.status === 'True' && !p.metadata.deletionTimestamp);
    for (let i = 0; i < 100 && ready().length < 4; i++) await new Promise((resolve) => setTimeout(resolve, 10));
    const evict = (pod: KubeObject) =>
      fetch(`${cluster.url}/api/v1/namespaces/default/pods/${pod.metadata.name}/eviction`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ apiVersion: 'policy/v1', kind: 'Eviction', metadata: { name: pod.metadata.name, namespace: 'default' } }),
      });
    const production = ready().filter((p) => p.metadata.labels?.instance === 'shop');
    const canary = ready().filter((p) => p.metadata.labels?.track === 'canary');
    assert.equal(production.length, 3);
    assert.equal(canary.length, 1);
    // Replacements take their time to start, so the budget is spent until they are ready.
    cluster.faults.setImageReadyDelay('repo/web:1', 60_000);

    assert.equal((await evict(production[0]!)).status, 201);
    assert.ok(store.get(KINDS.pod, 'default', production[0]!.metadata.name)!.metadata.deletionTimestamp, 'evicted pod terminating');
    const refused = await evict(production[1]!);
    assert.equal(refused.status, 429);
    const body = (await refused.json()) as Json;
    assert.equal(body.message, "Cannot evict pod as it would violate the pod's disruption budget.");
    assert.equal(body.details.causes[0].message, 'The disruption budget shop needs 2 healthy pods and has 2 currently');
    assert.equal(store.get(KINDS.pod, 'default', production[1]!.metadata.name)!.metadata.deletionTimestamp, undefined);
    // As kube-controller-manager 1.37 counts: the evicted pod and its replacement are both expected.
    assert.deepEqual(pick(store.get(KINDS.podDisruptionBudget, 'default', 'shop')!.status as Json), { currentHealthy: 2, desiredHealthy: 2, expectedPods: 4, disruptionsAllowed: 0 });
    // No budget covers the canary's pods.
    assert.equal((await evict(canary[0]!)).status, 201);
  });
});
