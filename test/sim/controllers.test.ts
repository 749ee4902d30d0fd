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

describe('Deployment controller rollouts', () => {
  // Records, after every clock step, how many pods are ready/alive, to check the fenceposts.
  async function rollWatching(clock: ManualClock, store: MemoryStore, steps: number, stepMs: number): Promise<{ minReady: number; maxAlive: number }> {
    let minReady = Infinity;
    let maxAlive = 0;
    for (let i = 0; i < steps; i++) {
      await clock.advance(stepMs);
      const all = pods(store);
      const alive = all.filter((p) => !p.metadata.deletionTimestamp);
      const ready = alive.filter((p) => condition(p, 'Ready')?.status === 'True');
      minReady = Math.min(minReady, ready.length);
      maxAlive = Math.max(maxAlive, alive.length);
    }
    return { minReady, maxAlive };
  }

  it('rolls out a new image: new ReplicaSet, old one scaled down, maxUnavailable 0 respected', async () => {
    const { clock, store, errors } = givenCluster();
    store.create(KINDS.deployment, deployment({ replicas: 4, strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: 1, maxUnavailable: 0 } } }));
    await clock.advance(1000);
    assert.equal(kstatusCurrent(getDeployment(store)), true);
    const firstRs = replicaSets(store)[0]!.metadata.name;

    setImage(store, 'repo/web:2');
    await clock.advance(0);
    const mid = getDeployment(store);
    assert.equal(mid.status.observedGeneration, 2);
    assert.equal(kstatusCurrent(mid), false);
    assert.equal(helm3Ready(store), false);
    assert.equal(replicaSets(store).length, 2);

    const seen = await rollWatching(clock, store, 40, 250);
    assert.ok(seen.minReady >= 4, `ready pods dropped to ${seen.minReady}`);
    assert.ok(seen.maxAlive <= 5, `surged to ${seen.maxAlive} pods`);

    const done = getDeployment(store);
    assert.equal(kstatusCurrent(done), true);
    assert.equal(helm3Ready(store), true);
    const rss = replicaSets(store);
    const old = rss.find((r) => r.metadata.name === firstRs)!;
    const fresh = rss.find((r) => r.metadata.name !== firstRs)!;
    assert.equal(old.spec.replicas, 0);
    assert.equal(fresh.spec.replicas, 4);
    assert.equal(fresh.metadata.annotations['deployment.kubernetes.io/revision'], '2');
    assert.ok(pods(store).every((p) => p.spec.containers[0].image === 'repo/web:2'));
    assert.deepEqual(errors, []);
  });

  it('honours percentages: 25 % of 4 lets one pod go unavailable and one surge', async () => {
    const { clock, store } = givenCluster();
    store.create(KINDS.deployment, deployment({ replicas: 4 }));
    await clock.advance(1000);
    setImage(store, 'repo/web:2');
    const seen = await rollWatching(clock, store, 40, 250);
    assert.ok(seen.minReady >= 3, `ready pods dropped to ${seen.minReady}`);
    assert.ok(seen.maxAlive <= 5, `surged to ${seen.maxAlive} pods`);
    assert.equal(kstatusCurrent(getDeployment(store)), true);
  });

  it('Recreate stops every old pod before starting new ones', async () => {
    const { clock, store } = givenCluster();
    store.create(KINDS.deployment, deployment({ replicas: 2, strategy: { type: 'Recreate' } }));
    await clock.advance(1000);
    setImage(store, 'repo/web:2');
    await clock.advance(0);
    // Old pods are terminating, no new pod yet.
    assert.ok(pods(store).every((p) => p.metadata.deletionTimestamp && p.spec.containers[0].image === 'repo/web:1'));
    await clock.advance(200);
    assert.ok(pods(store).every((p) => p.spec.containers[0].image === 'repo/web:2'));
    assert.equal(pods(store).length, 2);
    await clock.advance(1000);
    assert.equal(kstatusCurrent(getDeployment(store)), true);
  });

  it('scales to 0: pods terminate for the grace period, then go; status settles at 0', async () => {
    const { clock, store } = givenCluster();
    store.create(KINDS.deployment, deployment({ replicas: 2 }));
    await clock.advance(1000);
    const d = getDeployment(store);
    d.spec.replicas = 0;
    store.update(KINDS.deployment, d as KubeObject);
    await clock.advance(0);
    const after = getDeployment(store);
    assert.equal(pods(store).length, 2);
    assert.ok(pods(store).every((p) => typeof p.metadata.deletionTimestamp === 'string'));
    // Terminating pods are not counted: the rollout is already complete for both waiters.
    assert.equal(after.status.replicas, 0);
    assert.equal(after.status.readyReplicas, 0);
    assert.equal(kstatusCurrent(after), true);
    assert.equal(helm3Ready(store), true);
    await clock.advance(200);
    assert.equal(pods(store).length, 0);
  });

  it('a never-ready image keeps the rollout in progress, then fails it at progressDeadlineSeconds', async () => {
    const { clock, store, faults } = givenCluster();
    faults.setImageBehaviour('repo/web:bad', 'never-ready');
    store.create(KINDS.deployment, deployment({ replicas: 2, progressDeadlineSeconds: 30 }));
    await clock.advance(1000);
    setImage(store, 'repo/web:bad');
    await clock.advance(5000);

    const d = getDeployment(store);
    const badPods = pods(store).filter((p) => p.spec.containers[0].image === 'repo/web:bad');
    assert.ok(badPods.length >= 1);
    assert.ok(badPods.every((p) => p.status.phase === 'Running' && condition(p, 'Ready')?.status === 'False'));
    // The old pods keep serving: still Available (25 % of 2 rounds down to 0 unavailable).
    assert.equal(condition(d, 'Available')?.status, 'True');
    assert.equal(d.status.readyReplicas, 2);
    assert.equal(condition(d, 'Progressing')?.status, 'True');
    assert.equal(condition(d, 'Progressing')?.reason, 'ReplicaSetUpdated');
    assert.equal(kstatusCurrent(d), false);
    assert.equal(helm3Ready(store), false);

    await clock.advance(30_000);
    const failed = getDeployment(store);
    assert.equal(condition(failed, 'Progressing')?.status, 'False');
    assert.equal(condition(failed, 'Progressing')?.reason, 'ProgressDeadlineExceeded');
    assert.equal(condition(failed, 'Available')?.status, 'True');

    // Rolling back to the good image recovers.
    setImage(store, 'repo/web:1');
    await clock.advance(2000);
    assert.equal(kstatusCurrent(getDeployment(store)), true);
    assert.equal(pods(store).length, 2);
  });

  it('a crash-looping image restarts with back-off and never becomes ready', async () => {
    const { clock, store, faults } = givenCluster({ crashLoopBackOffMs: 100, crashLoopMaxBackOffMs: 400 });
    faults.setImageBehaviour('repo/web:crash', 'crash-loop');
    store.create(KINDS.deployment, deployment({ replicas: 1, image: 'repo/web:crash' }));
    await clock.advance(1000);
    const first = pods(store)[0]!;
    assert.equal(first.status.containerStatuses[0].state.waiting.reason, 'CrashLoopBackOff');
    assert.equal(first.status.containerStatuses[0].restartCount, 0);
    await clock.advance(2000);
    const later = pods(store)[0]!;
    // 100 + 200 + 400 + 400 + 400 + 400 ms back-offs fit in 2 s.
    assert.ok(later.status.containerStatuses[0].restartCount >= 5, `restartCount ${later.status.containerStatuses[0].restartCount}`);
    assert.equal(condition(later, 'Ready')?.status, 'False');
    const d = getDeployment(store);
    assert.equal(d.status.readyReplicas, 0);
    assert.equal(condition(d, 'Available')?.status, 'False');
    assert.equal(kstatusCurrent(d), false);
  });

  it('keeps one ReplicaSet per template across a rollback (the old one is reused)', async () => {
    const { clock, store } = givenCluster();
    store.create(KINDS.deployment, deployment({ replicas: 1 }));
    await clock.advance(1000);
    setImage(store, 'repo/web:2');
    await clock.advance(3000);
    setImage(store, 'repo/web:1');
    await clock.advance(3000);
    const rss = replicaSets(store);
    assert.equal(rss.length, 2);
    const active = rss.filter((r) => r.spec.replicas > 0);
    assert.equal(active.length, 1);
    assert.equal(active[0]!.spec.template.spec.containers[0].image, 'repo/web:1');
    assert.equal(kstatusCurrent(getDeployment(store)), true);
  });

  it('deleting the Deployment removes its ReplicaSets and pods, and no timer is left behind', async () => {
    const { clock, store } = givenCluster();
    store.create(KINDS.deployment, deployment({ replicas: 2, progressDeadlineSeconds: 600 }));
    await clock.advance(200);
    store.delete(KINDS.deployment, 'ns', 'web');
    await clock.advance(0);
    assert.equal(replicaSets(store).length, 0);
    assert.equal(pods(store).length, 0);
    assert.equal(clock.pending(), 0);
  });
});

describe('kubelet faults', () => {
  it('a per-image ready delay overrides podReadyDelayMs', async () => {
    const { clock, store, faults } = givenCluster({ podReadyDelayMs: 100 });
    faults.setImageReadyDelay('repo/web:slow', 5000);
    store.create(KINDS.deployment, deployment({ replicas: 1, image: 'repo/web:slow' }));
    store.create(KINDS.deployment, deployment({ replicas: 1, name: 'fast' }));
    await clock.advance(100);
    assert.equal(kstatusCurrent(getDeployment(store, 'fast')), true);
    assert.equal(kstatusCurrent(getDeployment(store)), false);
    await clock.advance(4900);
    assert.equal(kstatusCurrent(getDeployment(store)), true);
  });
});
