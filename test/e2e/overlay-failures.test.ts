// Overlay mode on the bad day (issue 13): helm create's chart, as it is, with the canary added at
// render time, when things go wrong. What a user notices: a canary that never becomes ready gets
// no traffic and rollback returns to stable in one run; a version crash-looping in production is
// rolled back in one run; a run killed between adoption's or detach's two applies is finished by
// the next run, keeps production's pods, and never routes to a subset with no ready pod.
// Each world has its own cluster; they run side by side.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { stageShape, withoutPodFaults, HELM_MAJORS, REPOSITORY, type Env, type HelmMajor } from '../helpers/e2e.js';
import {
  afterLease, givenOverlayWorld, helmValues, killAfterRevision, latestRevision, ok, plainInstall, productionPods, RELEASE, routes, serviceSelector, watchRouting,
  type OverlayWorld,
} from '../helpers/overlay-bad-day.js';

const STABLE = 'P 1.0/2/100 C 1.0/0/0';
// The drain wait between two applies: the seam a killed run stops in.
const DRAIN_SECONDS = 2;
// The helm timeout of a rollback that must not wait for pods that never become ready.
// Long enough that half of it is far above a loaded real control plane's rollback (55 s measured
// from a crash-looping stage 5, load average 25); only a failing run waits it out.
const LONG_TIMEOUT = '300s';
const LONG_TIMEOUT_MS = 300_000;

async function timed<T>(run: () => Promise<T>): Promise<T & { ms: number }> {
  const t0 = Date.now();
  const result = await run();
  return { ...result, ms: Date.now() - t0 };
}

function podFaults(helm: HelmMajor): void {
  describe(`overlay mode with helm ${helm}: a canary that never becomes ready, a version crash-looping in production`, { concurrency: false }, () => {
    let world: OverlayWorld;
    before(async () => {
      world = await givenOverlayWorld(helm, { helm: { timeout: '4s' } });
      await ok(world.env, ['deploy', '--tag', '1.0']);
      assert.equal(stageShape(await world.env.observe()), STABLE);
    });
    after(() => world?.stop());

    it('start fails (exit 1) naming the unready canary, no traffic reaches it, promote is refused, rollback returns in one run', async (t) => {
      const { env } = world;
      if (withoutPodFaults(t, env)) return;
      // A tag per helm: on the real control plane an image's fault is the whole cluster's.
      const bad = `bad-h${helm}`;
      await env.world.setImageBehaviour(`${REPOSITORY}:${bad}`, 'never-ready');
      const watch = watchRouting(world, t);
      const started = await env.cli(['start', '--new-tag', bad]);
      assert.equal(started.exitCode, 1, started.stderr);
      assert.match(started.stderr, /pods not ready within 4s/);
      assert.match(started.stderr, /canary Deployment web-canary has 0\/2 ready replicas at acr\.io\/bookinfo\/productpage:bad-h\d/);
      assert.match(started.stderr, /roll back with: helm-canary rollback/);
      let seen = await env.observe();
      assert.deepEqual(seen.weights, { production: 100, canary: 0 }, 'the VirtualService sends nothing to the canary subset');
      assert.deepEqual(seen.record, { stage: 1, phase: 'failed', stableTag: '1.0', newTag: bad });
      const status = JSON.parse((await ok(env, ['status', '-o', 'json'])).stdout);
      assert.equal(status.phase, 'failed', JSON.stringify(status));
      assert.match(String(status.record?.lastError), /pods not ready within 4s/);

      // promote does not route to the unready pods: it fails again (or is refused) with the weights unchanged.
      const promoted = await env.cli(['promote']);
      t.diagnostic(`helm ${helm}: promote over the unready canary exited ${promoted.exitCode}: ${promoted.stderr.trim().split('\n').slice(-3).join(' | ')}`);
      assert.notEqual(promoted.exitCode, 0, `promote over an unready canary must not succeed: ${promoted.stderr}`);
      assert.match(promoted.stderr, /not ready|roll back/);
      seen = await env.observe();
      assert.deepEqual(seen.weights, { production: 100, canary: 0 }, 'promote sent nothing to the unready canary');
      assert.equal(seen.record?.stage, 1);

      // A long helm timeout for the rollback: a rollback that waited for the canary pods that
      // never become ready would take all of it. They are scaled to 0 in the same run instead.
      env.writeConfig({ helm: { timeout: LONG_TIMEOUT } });
      const rolled = await timed(() => env.cli(['rollback']));
      assert.equal(rolled.exitCode, 0, rolled.stderr);
      assert.equal(stageShape(await env.observe()), STABLE);
      assert.equal((await env.observe()).record?.phase, 'rolled-back');
      t.diagnostic(`helm ${helm}: rollback from an unready canary took ${(rolled.ms / 1000).toFixed(1)} s (helm timeout ${LONG_TIMEOUT})`);
      assert.ok(rolled.ms < LONG_TIMEOUT_MS / 2, `rollback took ${rolled.ms} ms of a ${LONG_TIMEOUT} helm timeout: it waited for pods`);
      assert.deepEqual(await watch.stop(), [], 'traffic was sent to a subset with no ready pod');
    });

    it('a version crash-looping in production (stage 5) is rolled back in one run', async (t) => {
      const { env } = world;
      if (withoutPodFaults(t, env)) return;
      const crashing = `crashing-h${helm}`;
      // The long timeout of the rollback before (a real control plane rolls 2 pods slower than 4 s under load).
      env.writeConfig({ helm: { timeout: LONG_TIMEOUT } });
      await ok(env, ['start', '--new-tag', crashing]);
      await ok(env, ['promote', '--to', '5']);
      assert.equal(stageShape(await env.observe()), `P ${crashing}/2/0 C ${crashing}/2/100`);
      await env.world.setImageBehaviour(`${REPOSITORY}:${crashing}`, 'crash-loop', { existingPods: true });
      for (let i = 0; i < 400 && (await env.observe()).production.ready > 0; i++) await sleep(50);
      assert.equal((await env.observe()).production.ready, 0, 'the production pods of the crashing version stopped being ready');
      const rolled = await timed(() => env.cli(['rollback']));
      assert.equal(rolled.exitCode, 0, rolled.stderr);
      const seen = await env.observe();
      assert.equal(stageShape(seen), STABLE);
      assert.equal(seen.production.ready, 2, 'production runs 1.0 again, ready');
      assert.equal(seen.record?.phase, 'rolled-back');
      t.diagnostic(`helm ${helm}: rollback from a crash-looping stage 5 took ${(rolled.ms / 1000).toFixed(1)} s (helm timeout ${LONG_TIMEOUT})`);
      assert.ok(rolled.ms < LONG_TIMEOUT_MS / 2, `rollback took ${rolled.ms} ms of a ${LONG_TIMEOUT} helm timeout: it waited for the crash-looping pods`);
    });
  });
}

// One world per helm: adoption killed and finished, then detach killed and finished (the
// release adopted is the one detached; a world less keeps the file quick).
function killedMidway(helm: HelmMajor): void {
  describe(`overlay mode with helm ${helm}: adoption, then detach, each killed between its two applies`, { concurrency: false }, () => {
    let world: OverlayWorld;
    let pods: string[];
    before(async () => {
      world = await givenOverlayWorld(helm, { drainSeconds: DRAIN_SECONDS });
    });
    after(() => world?.stop());

    it('the next deploy finishes the adoption, keeps production\'s pods, and never routes to a subset with no ready pod', async (t) => {
      const { env, chart } = world;
      await plainInstall(world, '1.0');
      pods = await productionPods(world);
      assert.equal(pods.length, 2);
      const watch = watchRouting(world, t);
      assert.equal((await latestRevision(env))?.version, 1);
      // Killed once the adoption apply (revision 2) is deployed: during its drain wait.
      const killed = await killAfterRevision(env, ['deploy', '--tag', '1.0'], 2);
      assert.ok(killed.killed, `the deploy was to be killed between adoption's two applies; it ended first: ${killed.stderr}`);
      assert.equal((await helmValues(env)).helmCanary?.adopting, true, 'the kill left the adoption unfinished');
      assert.deepEqual(await routes(world), [{ subset: undefined, weight: 100 }], 'halfway, traffic goes to the Service as a whole');
      assert.deepEqual(await serviceSelector(world), chart.selectorLabels(RELEASE), "halfway, the Service keeps the chart's own selector");
      assert.deepEqual(await productionPods(world), pods);

      // A rollout cannot start on an adoption left halfway, and the refusal says what it is and
      // how to finish it. (Before the fix: "the cluster shows a rollout of web in progress
      // (production receives 0 % of traffic)", and rollback as the way out.)
      const start = await afterLease(env, ['start', '--new-tag', '2.0']);
      assert.equal(start.exitCode, 4, start.stderr);
      assert.match(start.stderr, /adoption into overlay mode or a detach from it was left halfway/);
      assert.match(start.stderr, /helm-canary deploy --tag 1\.0/);
      assert.doesNotMatch(start.stderr, /shows a rollout/);
      assert.deepEqual(await routes(world), [{ subset: undefined, weight: 100 }], 'the refused start applied nothing');
      // status says the same and offers the two ways to finish; rollback has nothing to undo and
      // applies nothing. (Before: status showed an unrecorded rollout with production at 0 %;
      // rollback warned of hand edits and wrote a record with new tag "(unknown)".)
      await checkHalfwayStatusAndRollback(env, '1.0');

      const again = await afterLease(env, ['deploy', '--tag', '1.0']);
      assert.equal(again.exitCode, 0, again.stderr);
      assert.match(again.stderr, /adopting web into overlay mode/);
      assert.equal(stageShape(await env.observe()), STABLE);
      assert.equal((await helmValues(env)).helmCanary?.adopting, undefined, 'the adoption is finished');
      assert.deepEqual(await productionPods(world), pods, "production's pods are the ones the plain install started");
      assert.deepEqual(await watch.stop(), [], 'traffic was sent to a subset with no ready pod');
    });

    it("the next detach finishes a killed detach: the Service ends with the chart's own selector, production's pods kept", async (t) => {
      const { env, chart, names } = world;
      assert.equal(stageShape(await env.observe()), STABLE, 'the adopted release, at stable');
      const watch = watchRouting(world, t);
      const current = (await latestRevision(env))!.version;
      const killed = await killAfterRevision(env, ['detach'], current + 1);
      assert.ok(killed.killed, `detach was to be killed between its two applies; it ended first: ${killed.stderr}`);
      assert.equal((await helmValues(env)).helmCanary?.adopting, true, 'the kill left detach after its first apply');
      assert.deepEqual(await routes(world), [{ subset: undefined, weight: 100 }], 'halfway, traffic goes to the Service as a whole');
      const start = await afterLease(env, ['start', '--new-tag', '2.0']);
      assert.equal(start.exitCode, 4, start.stderr);
      assert.match(start.stderr, /or finish leaving overlay mode with: helm-canary detach/);
      await checkHalfwayStatusAndRollback(env, '1.0');

      const again = await afterLease(env, ['detach']);
      assert.equal(again.exitCode, 0, again.stderr);
      assert.deepEqual(await serviceSelector(world), chart.selectorLabels(RELEASE), "the Service has the chart's own selector back");
      assert.equal(await env.get('deployment', names.canary), undefined, 'the canary Deployment is gone');
      assert.equal(await env.get('virtualService', names.service), undefined, 'the VirtualService is gone');
      assert.equal((await helmValues(env)).helmCanary, undefined, 'the release runs its chart alone');
      const production = await env.get('deployment', names.deployment);
      assert.equal(production.spec.template.spec.containers[0].image, `${REPOSITORY}:1.0`);
      assert.deepEqual(await productionPods(world), pods, "detach kept production's pods (those of the plain install)");
      assert.deepEqual(await watch.stop(), [], 'traffic was sent to a subset with no ready pod');
    });
  });
}

/** checkHalfwayStatusAndRollback: over a release left halfway, status says so with the two ways to finish, and rollback refuses (exit 4) without applying anything. */
async function checkHalfwayStatusAndRollback(env: Env, tag: string): Promise<void> {
  const status = await env.cli(['status', '-o', 'json']);
  assert.equal(status.exitCode, 0, status.stderr);
  const s = JSON.parse(status.stdout);
  assert.match(s.position, /adoption into overlay mode or a detach from it was left halfway/);
  assert.notEqual(s.phase, 'unrecorded');
  assert.deepEqual(s.nextMoves, [`deploy --tag ${tag} (finishes the adoption)`, 'detach (finishes leaving overlay mode)']);
  const revision = (await latestRevision(env))?.version;
  const record = (await env.observe()).record;
  const rollback = await afterLease(env, ['rollback']);
  assert.equal(rollback.exitCode, 4, rollback.stderr);
  assert.match(rollback.stderr, /left halfway .*: there is no rollout to roll back/);
  assert.doesNotMatch(rollback.stderr, /changed outside helm-canary|shows a rollout/);
  assert.equal((await latestRevision(env))?.version, revision, 'the refused rollback applied nothing');
  assert.deepEqual((await env.observe()).record, record, 'and wrote no record');
}

describe('overlay mode on the bad day', { concurrency: true }, () => {
  for (const helm of HELM_MAJORS) {
    podFaults(helm);
    killedMidway(helm);
  }
});
