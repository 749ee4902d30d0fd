import { afterEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Faults } from '../../sim/faults.js';
import { ManualClock, startControllers } from '../../sim/controllers/index.js';
import type { ControllerOptions } from '../../sim/controllers/index.js';
import { MemoryStore } from '../../sim/store/memory-store.js';
import { KINDS } from '../../sim/store/resources.js';
import type { KubeObject } from '../../sim/store/types.js';

type Json = Record<string, any>;

const running: { stop(): void }[] = [];
afterEach(() => {
  while (running.length > 0) running.pop()!.stop();
});

// Given: a store with namespace `ns`, controllers on a manual clock.
function givenCluster(options: ControllerOptions = {}) {
  const clock = new ManualClock();
  const store = new MemoryStore({ now: () => new Date(clock.now()) });
  store.create(KINDS.namespace, { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'ns' } });
  const faults = new Faults();
  const errors: unknown[] = [];
  const controllers = startControllers({ store, faults, options: { podReadyDelayMs: 1000, podTerminationDelayMs: 200, clock, onError: (e) => errors.push(e), ...options } });
  running.push(controllers);
  return { clock, store, faults, errors };
}

function deployment(opts: { replicas?: number; image?: string; strategy?: Json; name?: string; progressDeadlineSeconds?: number } = {}): KubeObject {
  const name = opts.name ?? 'web';
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name, namespace: 'ns' },
    spec: {
      replicas: opts.replicas ?? 2,
      selector: { matchLabels: { app: name } },
      ...(opts.strategy ? { strategy: opts.strategy } : {}),
      ...(opts.progressDeadlineSeconds !== undefined ? { progressDeadlineSeconds: opts.progressDeadlineSeconds } : {}),
      template: { metadata: { labels: { app: name } }, spec: { containers: [{ name: 'app', image: opts.image ?? 'repo/web:1' }] } },
    },
  };
}

function getDeployment(store: MemoryStore, name = 'web'): Json {
  return store.get(KINDS.deployment, 'ns', name) as Json;
}

function replicaSets(store: MemoryStore): Json[] {
  return store.list(KINDS.replicaSet, 'ns') as Json[];
}

function pods(store: MemoryStore): Json[] {
  return store.list(KINDS.pod, 'ns') as Json[];
}

function condition(d: Json, type: string): Json | undefined {
  return (d.status?.conditions ?? []).find((c: Json) => c.type === type);
}

function setImage(store: MemoryStore, image: string, name = 'web'): void {
  const d = getDeployment(store, name);
  d.spec.template.spec.containers[0].image = image;
  store.update(KINDS.deployment, d as KubeObject);
}

// What helm 4's kstatus needs to call a Deployment current.
function kstatusCurrent(d: Json): boolean {
  const s = d.status ?? {};
  const replicas = d.spec.replicas;
  const progressing = condition(d, 'Progressing');
  return (
    s.observedGeneration === d.metadata.generation &&
    s.replicas === replicas &&
    s.updatedReplicas === replicas &&
    s.readyReplicas === replicas &&
    s.availableReplicas === replicas &&
    condition(d, 'Available')?.status === 'True' &&
    progressing?.status === 'True' &&
    progressing?.reason === 'NewReplicaSetAvailable'
  );
}

// What helm 3's legacy waiter needs: observedGeneration, an owned RS with the template, ready pods.
function helm3Ready(store: MemoryStore, name = 'web'): boolean {
  const d = getDeployment(store, name);
  if (d.status?.observedGeneration !== d.metadata.generation) return false;
  const rs = replicaSets(store).find((r) => r.metadata.ownerReferences?.some((o: Json) => o.uid === d.metadata.uid && o.controller) && r.spec.template.spec.containers[0].image === d.spec.template.spec.containers[0].image);
  return rs !== undefined && (rs.status?.readyReplicas ?? 0) >= d.spec.replicas;
}

describe('Deployment controller', () => {
  it('creates a ReplicaSet and pods, and reports the rollout complete once pods are ready', async () => {
    const { clock, store, errors } = givenCluster();
    store.create(KINDS.deployment, deployment({ replicas: 2 }));
    await clock.advance(0);

    const [rs, ...others] = replicaSets(store);
    assert.equal(others.length, 0);
    const d = getDeployment(store);
    const hash = rs!.metadata.labels['pod-template-hash'];
    assert.ok(hash);
    assert.equal(rs!.metadata.name, `web-${hash}`);
    assert.deepEqual(rs!.metadata.ownerReferences, [{ apiVersion: 'apps/v1', kind: 'Deployment', name: 'web', uid: d.metadata.uid, controller: true, blockOwnerDeletion: true }]);
    assert.deepEqual(rs!.spec.selector.matchLabels, { app: 'web', 'pod-template-hash': hash });
    assert.equal(rs!.spec.template.metadata.labels['pod-template-hash'], hash);
    assert.equal(pods(store).length, 2);
    assert.ok(pods(store).every((p) => p.status.phase === 'Pending' && p.metadata.labels['pod-template-hash'] === hash));
    assert.equal(d.status.observedGeneration, 1);
    assert.equal(d.status.readyReplicas, 0);
    assert.equal(d.status.unavailableReplicas, 2);
    assert.equal(condition(d, 'Available')?.status, 'False');
    assert.equal(condition(d, 'Progressing')?.status, 'True');
    assert.notEqual(condition(d, 'Progressing')?.reason, 'NewReplicaSetAvailable');
    assert.equal(kstatusCurrent(d), false);
    assert.equal(helm3Ready(store), false);

    await clock.advance(1000);
    const done = getDeployment(store);
    assert.ok(pods(store).every((p) => p.status.phase === 'Running' && condition(p, 'Ready')?.status === 'True'));
    assert.deepEqual(
      { replicas: done.status.replicas, updated: done.status.updatedReplicas, ready: done.status.readyReplicas, available: done.status.availableReplicas, unavailable: done.status.unavailableReplicas },
      { replicas: 2, updated: 2, ready: 2, available: 2, unavailable: 0 },
    );
    const rsDone = replicaSets(store)[0]!;
    assert.deepEqual(rsDone.status, { replicas: 2, fullyLabeledReplicas: 2, readyReplicas: 2, availableReplicas: 2, observedGeneration: 1 });
    assert.equal(kstatusCurrent(done), true);
    assert.equal(helm3Ready(store), true);
    assert.deepEqual(errors, []);
  });

  it('settles a zero-replica Deployment and an unchanged re-apply without any clock movement', async () => {
    const { clock, store } = givenCluster();
    store.create(KINDS.deployment, deployment({ replicas: 0 }));
    await clock.advance(0);
    assert.equal(kstatusCurrent(getDeployment(store)), true);
    assert.equal(helm3Ready(store), true);

    // Scale up, wait, then re-apply the same spec with a label change: no pods to wait for.
    const d = getDeployment(store);
    d.spec.replicas = 1;
    store.update(KINDS.deployment, d as KubeObject);
    await clock.advance(1000);
    assert.equal(kstatusCurrent(getDeployment(store)), true);
    const again = getDeployment(store);
    again.metadata.labels = { touched: 'yes' };
    again.spec.revisionHistoryLimit = 5;
    store.update(KINDS.deployment, again as KubeObject);
    await clock.advance(0);
    const after = getDeployment(store);
    assert.equal(after.metadata.generation, 3);
    assert.equal(kstatusCurrent(after), true);
  });
});
