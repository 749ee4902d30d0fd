// The model is only as good as its fakes: these pin the behaviour the invariants rely on
// (readiness of the current ReplicaSet, helm's wait and pending revisions, optimistic record
// writes, lease expiry) and check the model's own stage table against the engine's.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { planStages, type StageValues } from '../../src/engine/index.js';
import { HelmBlockedError } from '../../src/helm/helm-refusals.js';
import { ConflictError, LockHeldError } from '../../src/kube/kube-errors.js';
import { referenceObjects } from '../../src/rollout/status-all.js';
import { expectedStages, stableStage } from './expected-stages.js';
import { createWorld, Killed } from './fakes/index.js';
import { PLAN_STEPS, type PlanName } from './model-steps.js';

const REPO = 'registry.example/web';
const objects = referenceObjects('web');

function newWorld(replicas = 2) {
  return createWorld({ release: 'web', namespace: 'shop', repository: REPO, replicas, helmTimeoutMs: 300_000, lockTtlSeconds: 60 });
}

function stage(prod: [string, number, number], canary: [string, number, number]): StageValues {
  const d = ([tag, replicas, weight]: [string, number, number]) => ({ repository: REPO, tag, replicas, weight });
  return { production: d(prod), canary: d(canary) };
}

async function upgrade(world: ReturnType<typeof newWorld>, values: StageValues, wait = false) {
  const chart = { productionDeployment: { image: { repository: REPO, tag: values.production.tag }, replicaCount: values.production.replicas, weight: values.production.weight }, canaryDeployment: { image: { repository: REPO, tag: values.canary.tag }, replicaCount: values.canary.replicas, weight: values.canary.weight } };
  await world.valuesFiles.withFile('v.yaml', chart, (path) => world.helm.upgrade(['upgrade', '--install', 'web', 'chart', '--values', path, ...(wait ? ['--wait'] : []), '--timeout', '5m']));
}

describe('FakeCluster', () => {
  it('counts only the current ReplicaSet as ready during a rolling update, and keeps old pods until new ones are ready', async () => {
    const world = newWorld();
    await upgrade(world, stableStage(REPO, 'v1', 2));
    world.advance(2_000);
    assert.equal(world.cluster.live(objects).production?.ready, 2);
    await upgrade(world, stableStage(REPO, 'never-ready', 2));
    world.advance(60_000);
    const live = world.cluster.live(objects).production!;
    assert.deepEqual([live.tag, live.ready, live.settled], ['never-ready', 0, false]);
    // maxSurge 1, maxUnavailable 0 for 2 replicas: both old pods still serve.
    assert.equal(world.cluster.livePods('production').filter((p) => p.tag === 'v1' && world.cluster.isReady(p)).length, 2);
  });

  it('makes a crash-loop pod ready, then not ready', async () => {
    const world = newWorld(1);
    await upgrade(world, stableStage(REPO, 'crash-loop', 1));
    world.advance(2_000);
    assert.equal(world.cluster.readyCurrent('production'), 1);
    world.advance(15_000);
    assert.equal(world.cluster.readyCurrent('production'), 0);
  });

  it('removes terminating pods after the grace period and remembers when a pod last had traffic', async () => {
    const world = newWorld(1);
    await upgrade(world, stableStage(REPO, 'v1', 1));
    await upgrade(world, stage(['v1', 1, 100], ['v2', 1, 0]));
    world.advance(5_000);
    await upgrade(world, stage(['v1', 1, 90], ['v2', 1, 10]));
    const canary = world.cluster.currentPods('canary')[0]!;
    world.advance(3_000);
    await upgrade(world, stage(['v1', 1, 100], ['v2', 1, 0]));
    assert.equal(world.cluster.lastTrafficAt(canary), world.time);
    world.advance(1_000);
    await upgrade(world, stableStage(REPO, 'v1', 1));
    assert.equal(world.cluster.pods.filter((p) => p.role === 'canary').length, 1, 'terminating, not gone');
    world.advance(5_000);
    assert.equal(world.cluster.pods.filter((p) => p.role === 'canary').length, 0);
  });
});

describe('FakeHelm', () => {
  it('with --wait, waits for every Deployment and fails the revision at the timeout', async () => {
    const world = newWorld(1);
    await upgrade(world, stableStage(REPO, 'v1', 1), true);
    const started = world.time;
    await assert.rejects(upgrade(world, stage(['v1', 1, 100], ['never-ready', 1, 0]), true), /context deadline exceeded/);
    assert.equal(world.time - started, 300_000);
    assert.deepEqual(world.helm.history.map((r) => r.status), ['deployed', 'failed']);
  });

  it('a kill inside an upgrade leaves it pending, and helm then refuses the next upgrade', async () => {
    const world = newWorld(1);
    await upgrade(world, stableStage(REPO, 'v1', 1));
    world.beginCommand({ name: 'promote', holder: 'h', dryRun: false, readOnly: false, fault: { kind: 'kill', port: 'helm.upgrade', atCall: 1, landed: true } });
    await assert.rejects(upgrade(world, stage(['v1', 1, 100], ['v2', 1, 0])), Killed);
    world.endCommand();
    assert.equal(world.helm.latest()?.status, 'pending-upgrade');
    assert.equal(world.cluster.values()?.canary.tag, 'v2', 'the values reached the cluster');
    await assert.rejects(upgrade(world, stableStage(REPO, 'v1', 1)), HelmBlockedError);
    await world.helm.rollbackTo(1);
    assert.deepEqual(world.helm.history.map((r) => r.status), ['superseded', 'superseded', 'deployed']);
  });
});

describe('FakeRecordStore and FakeLock', () => {
  it('refuses stale and deleted-record writes with ConflictError', async () => {
    const world = newWorld();
    const record = { release: 'web', namespace: 'shop' } as Parameters<typeof world.records.write>[0];
    const v1 = await world.records.write(record, undefined);
    await assert.rejects(world.records.write(record, undefined), ConflictError);
    await world.records.write(record, v1);
    await assert.rejects(world.records.write(record, v1), ConflictError);
    world.records.deleteRecord();
    await assert.rejects(world.records.write(record, v1), ConflictError);
  });

  it('holds the lease while its process runs, then lets it expire after the ttl', async () => {
    const world = newWorld();
    world.beginCommand({ name: 'promote', holder: 'a', dryRun: false, readOnly: false });
    await world.lock.acquire('shop', 'web', 'a', 60);
    world.advance(600_000);
    await assert.rejects(world.lock.acquire('shop', 'web', 'b', 60), LockHeldError);
    world.endCommand();
    world.advance(59_000);
    await assert.rejects(world.lock.acquire('shop', 'web', 'b', 60), LockHeldError);
    world.advance(1_000);
    await world.lock.acquire('shop', 'web', 'b', 60);
  });
});

describe('expectedStages', () => {
  for (const plan of Object.keys(PLAN_STEPS) as PlanName[]) {
    it(`agrees with the engine's stage values for ${plan}`, () => {
      const facts = { repository: REPO, replicas: 3, stableTag: 'v1', newTag: 'v2', plan: { steps: PLAN_STEPS[plan] } };
      const engine = planStages(facts, { name: plan, steps: PLAN_STEPS[plan], finalStepMustBe100: true, drainSeconds: 10 }).map((s) => s.values);
      assert.deepEqual(expectedStages(facts), engine);
    });
  }
});
