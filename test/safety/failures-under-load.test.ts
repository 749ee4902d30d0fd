// Safe under failure (issue 9), end to end on a cluster under load, with helm 3 and 4:
// each numbered case of the issue as a user would meet it, with what a user notices asserted (exit
// codes, the cluster's shape and weights, failed requests from the fault on and after the command
// that fixes it returned, how many rollbacks it took and how long). Pods start in 400 ms, Envoy
// learns of changes 300 ms late, drains take 1 s, and helm's timeout is 8 s so a wait that cannot
// succeed costs seconds, not minutes; `rollback` runs with a 60 s timeout and must finish well
// under it (a rollback that waits for the broken Deployment runs into it). Every scenario reports its numbers as a diagnostic (and to
// $HELM_CANARY_FAILURES_REPORT as JSON lines) before failing with every promise it broke.
// HELM_CANARY_CLI runs another build (an older commit's, for the "before" numbers).
//
// It runs on the simulator, or on E2E_KUBECONFIG's API server (`npm run test:real`): pod faults
// through kwok's Stages, the load through the traffic model over watches, the Watch over the API
// server's watch on both. There the cluster's own delays hold (the real control plane's pods start
// in 500 ms and terminate in 500 ms), the scenarios share the cluster, so each new version has a
// tag of its own (kwok's Stages select pods by image cluster-wide), and the scenario that holds
// up an API request (6) needs the simulator and skips.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import type { LoadGenerator } from '../../sim/mesh/index.js';
import { givenCluster, HELM_MAJORS, REPOSITORY, stageShape, withoutPodFaults, type Env, type HelmMajor } from '../helpers/e2e.js';
import { onSimulator, SIM_ONLY } from '../helpers/e2e-target.js';
import {
  CLUSTER, CONFIG, PROPAGATION_MS, ROLLBACK_TIMEOUT_S, SHORT_LEASE, STABLE,
  Checks, Watch, brief, describeCounts, descendants, isAlive, ok, pods, report, rollbackUntilStable, spawnCli, startLoad, summary, timed, waitFor,
  type Rollbacks, type Run,
} from './failure-world.js';

const image = (tag: string) => `${REPOSITORY}:${tag}`;
/**
 * tagOf is a scenario's tag for `version`: on a shared API server every scenario (and every other
 * file) must fault images no other one runs, since kwok's fault Stages select pods by image.
 */
const tagOf = (helm: HelmMajor, version: string, scenario: string) => `${version}-${scenario}-load${helm}`;
// Clusters side by side: the scenarios mostly wait (pods, drains, propagation, helm timeouts).
const CONCURRENCY = Number(process.env.HELM_CANARY_FAILURES_CONCURRENCY) || 4;

/** World is one cluster under load shared by a describe's scenarios, one after the other. */
function world(helm: HelmMajor, extraEnv: Record<string, string> = {}) {
  const w = { env: undefined as unknown as Env, load: undefined as unknown as LoadGenerator };
  before(async () => {
    w.env = await givenCluster(helm, { cluster: CLUSTER, config: CONFIG });
    Object.assign(w.env.env, extraEnv);
    await ok(w.env, ['deploy', '--tag', '1.0']);
    w.load = await startLoad(w.env);
  });
  after(async () => {
    w.load?.stop();
    await w.env?.stop();
  });
  return w;
}

/** rollbackChecks checks what one rollback must give: exit 0 in one run, quickly, stable, nothing lost after it. */
async function rollbackChecks(c: Checks, env: Env, rb: Rollbacks): Promise<void> {
  const first = rb.runs[0]!;
  c.equal(first.exitCode, 0, `first rollback exit (${summary(first)})`);
  c.check(rb.neededRuns === 1, `rollback runs needed to get back to ${STABLE}: ${rb.neededRuns ?? `not within ${rb.runs.length}`} (${[summary(first), ...rb.runs.slice(1).map(brief)].join('; ')})`);
  c.check(first.seconds < ROLLBACK_TIMEOUT_S, `first rollback took ${first.seconds.toFixed(1)} s, not under its helm timeout ${ROLLBACK_TIMEOUT_S} s`);
  c.equal(rb.afterFirst.failed, 0, `failed requests in the 1.5 s after the first rollback returned (${describeCounts(rb.afterFirst)})`);
  c.equal(stageShape(await env.observe()), STABLE, 'shape after the rollbacks');
}

function rollbackNumbers(rb: Rollbacks): { rollbackRuns: number | string; rollbackSeconds?: number; failedAfterFix: number } {
  return { rollbackRuns: rb.neededRuns ?? `>${rb.runs.length}`, rollbackSeconds: rb.seconds ?? (rb.runs.at(-1)!.endedAt - rb.runs[0]!.startedAt) / 1000, failedAfterFix: rb.afterFirst.failed };
}

/** kill kills a CLI run with `signal` and waits for it. */
async function kill(child: ReturnType<typeof spawnCli>, signal: NodeJS.Signals): Promise<number> {
  child.kill(signal);
  const r = await child;
  return r.exitCode ?? (r.signal ? 128 + (signal === 'SIGKILL' ? 9 : signal === 'SIGINT' ? 2 : 15) : -1);
}

/** notApplied: a promote that cannot succeed fails as a stage (exit 1) and moves no weight to `subset`. */
async function notApplied(c: Checks, env: Env, run: Run, subset: 'production' | 'canary', expected: number, label: string): Promise<void> {
  c.equal(run.exitCode, 1, `${label} exit (${summary(run)})`);
  c.equal((await env.observe()).weights[subset], expected, `${subset} weight after ${label} (${summary(run)})`);
}

// 1. A failed pods-first step is never treated as applied.
function failedFirstStep(helm: HelmMajor): void {
  group(`helm ${helm}: a never-ready canary, then promote twice`, () => {
    const w = world(helm);
    it('1. start fails (exit 1) at 100/0; each promote exits non-zero and gives the canary no traffic; rollback in one run', async (t) => {
      const { env, load } = w;
      if (withoutPodFaults(t, env)) return;
      const bad = tagOf(helm, 'bad', 'first');
      const c = new Checks();
      const watch = await new Watch(env).since();
      await env.world.setImageBehaviour(image(bad), 'never-ready');
      const from = Date.now();
      const start = await timed(env, ['start', '--new-tag', bad]);
      c.equal(start.exitCode, 1, `start --new-tag bad exit (${summary(start)})`);
      c.equal(JSON.stringify((await env.observe()).weights), JSON.stringify({ production: 100, canary: 0 }), 'weights after the failed start');
      for (const n of [1, 2]) {
        const p = await timed(env, ['promote']);
        await notApplied(c, env, p, 'canary', 0, `promote #${n}`);
        c.check(((await env.observe()).record?.stage ?? 0) < 2, `the record says stage ${(await env.observe()).record?.stage} after promote #${n}`);
      }
      await sleep(PROPAGATION_MS + 200);
      await watch.caughtUp();
      const counts = load.between(from);
      c.equal(watch.maxWeight.canary, 0, 'highest canary weight written since the failed start');
      c.check(watch.maxRecordedStage < 2, `the record claimed stage ${watch.maxRecordedStage} (phases ${watch.phases.join(' > ')})`);
      c.equal(counts.failed, 0, `failed requests from the fault on (${describeCounts(counts)})`);
      watch.close();
      const rb = await rollbackUntilStable(env, load);
      await rollbackChecks(c, env, rb);
      report(t, { scenario: '1a never-ready canary: start, promote x2, rollback', helm, requests: counts.total, failed: counts.failed, ...rollbackNumbers(rb), broken: c.broken, notes: `max canary weight ${watch.maxWeight.canary}, max recorded stage ${watch.maxRecordedStage}` });
      c.assertAll();
    });
  });
}

// 1. The same with a slow image whose start is interrupted.
function interruptedSlowStart(helm: HelmMajor): void {
  group(`helm ${helm}: a slow canary whose start gets SIGINT, then promote`, () => {
    const w = world(helm);
    it('1. start exits 130 at 100/0; promote gives the slow pods no traffic; rollback in one run', async (t) => {
      const { env, load } = w;
      if (withoutPodFaults(t, env)) return;
      const slow = tagOf(helm, 'slow', 'sigint');
      const c = new Checks();
      const watch = await new Watch(env).since();
      await env.world.setImageReadyDelay(image(slow), 60_000);
      const from = Date.now();
      const child = spawnCli(env, ['start', '--new-tag', slow]);
      // interrupted while it waits for the slow pods (they take 60 s to get ready), a second after
      // they exist; on a busy real control plane helm 3's apply alone can take over 15 s
      const waiting = await waitFor(async () => (await pods(env, 'canary')).some((p) => p.tag === slow), 45_000);
      assert.ok(waiting, 'start created the slow canary pods');
      await sleep(1000);
      const code = await kill(child, 'SIGINT');
      c.equal(code, 130, 'start --new-tag slow exit after SIGINT');
      c.equal((await env.observe()).weights.canary, 0, 'canary weight after the interrupted start');
      const runs: Run[] = [];
      let p = await timed(env, ['promote']);
      runs.push(p);
      await notApplied(c, env, p, 'canary', 0, 'promote');
      if (p.exitCode === 4 && /pending|--recover/.test(p.stderr)) {
        // what the error suggests
        p = await timed(env, ['promote', '--recover']);
        runs.push(p);
        await notApplied(c, env, p, 'canary', 0, 'promote --recover');
      }
      c.check(((await env.observe()).record?.stage ?? 0) < 2, `the record says stage ${(await env.observe()).record?.stage} after promote`);
      await sleep(PROPAGATION_MS + 200);
      await watch.caughtUp();
      const counts = load.between(from);
      c.equal(watch.maxWeight.canary, 0, 'highest canary weight written since the interrupted start');
      c.check(watch.maxRecordedStage < 2, `the record claimed stage ${watch.maxRecordedStage} (phases ${watch.phases.join(' > ')})`);
      c.equal(counts.failed, 0, `failed requests from the interrupted start on (${describeCounts(counts)})`);
      watch.close();
      const rb = await rollbackUntilStable(env, load);
      await rollbackChecks(c, env, rb);
      report(t, { scenario: '1b slow canary, start SIGINT, promote, rollback', helm, requests: counts.total, failed: counts.failed, ...rollbackNumbers(rb), broken: c.broken, notes: `promote runs: ${runs.map(summary).join('; ')}` });
      c.assertAll();
    });
  });
}

// 1 and 4. Stage 5 with new production pods that never get ready: no weight to production, and
// status counts the current ReplicaSet's pods.
function stageFiveNeverReady(helm: HelmMajor): void {
  group(`helm ${helm}: stage 5 with production pods never ready`, () => {
    const w = world(helm);
    const tag = tagOf(helm, '2.0', 'stage5');
    let watch: Watch;
    let from = 0;
    const c = new Checks();
    const runs: Run[] = [];
    after(() => watch?.close());

    it('1. promote to stage 5 fails and gives production no weight', async (t) => {
      const { env } = w;
      if (withoutPodFaults(t, env)) return;
      await ok(env, ['start', '--new-tag', tag]);
      await ok(env, ['promote', '--to', '4']);
      assert.equal(stageShape(await env.observe()), `P 1.0/2/0 C ${tag}/2/100`);
      // stage 4's last shift (10/90 -> 0/100) reaches Envoy a propagation delay after promote returns
      await sleep(PROPAGATION_MS + 200);
      watch = await new Watch(env).since();
      await env.world.setImageBehaviour(image(tag), 'never-ready'); // pods created from now on
      from = Date.now();
      const p = await timed(env, ['promote']);
      runs.push(p);
      const local = new Checks();
      await notApplied(local, env, p, 'production', 0, 'promote #1 (stage 5)');
      await watch.caughtUp();
      local.equal(watch.maxWeight.production, 0, 'highest production weight written during promote #1');
      c.broken.push(...local.broken);
      local.assertAll();
    });

    it('4. status reports production ready 0 (its current ReplicaSet), not the old pods', async (t) => {
      const { env } = w;
      if (withoutPodFaults(t, env)) return;
      const s = await timed(env, ['status', '-o', 'json']);
      assert.equal(s.exitCode, 0, s.stderr);
      const status = JSON.parse(s.stdout);
      const local = new Checks();
      local.equal(status.production?.ready, 0, `status production.ready with ${tag} pods never ready (production ${JSON.stringify(status.production)}, position ${status.position}, phase ${status.phase})`);
      c.broken.push(...local.broken);
      report({ diagnostic: (m) => console.log(`# ${m}`) }, { scenario: '4a status at stage 5, production never ready', helm, requests: 0, failed: 0, broken: local.broken, notes: `production ${JSON.stringify(status.production)}; position ${status.position}` });
      local.assertAll();
    });

    it('1. promote again gives production no weight either; nothing fails; rollback in one run', async (t) => {
      const { env, load } = w;
      if (withoutPodFaults(t, env)) return;
      const local = new Checks();
      const p = await timed(env, ['promote']);
      runs.push(p);
      await notApplied(local, env, p, 'production', 0, 'promote #2');
      await sleep(PROPAGATION_MS + 200);
      await watch.caughtUp();
      const counts = load.between(from);
      local.equal(watch.maxWeight.production, 0, `highest production weight written while its ${tag} pods were never ready`);
      local.check(watch.maxRecordedStage < 5, `the record claimed stage ${watch.maxRecordedStage} (phases ${watch.phases.join(' > ')})`);
      local.equal(counts.failed, 0, `failed requests from the fault on (${describeCounts(counts)})`);
      local.check(!counts.byVersion['1.0'], `requests served by the old production 1.0 after stage 4: ${counts.byVersion['1.0']}`);
      const maxProduction = watch.maxWeight.production;
      const rb = await rollbackUntilStable(env, load);
      await rollbackChecks(local, env, rb);
      c.broken.push(...local.broken);
      report(t, { scenario: '1c stage 5 production never ready: promote x2, rollback', helm, requests: counts.total, failed: counts.failed, ...rollbackNumbers(rb), broken: c.broken, notes: `max production weight before the rollback ${maxProduction}; promotes: ${runs.map(summary).join('; ')}` });
      local.assertAll();
    });
  });
}

// 2. A running version that starts crash-looping (or stops being ready) is restored by one rollback.
function brokenVersionRollback(helm: HelmMajor, from: number, behaviour: 'crash-loop' | 'never-ready'): void {
  group(`helm ${helm}: ${behaviour} of the new version at stage ${from}`, () => {
    const w = world(helm);
    it(`2. ${behaviour} at stage ${from}: one rollback, exit 0, well under the helm timeout, nothing lost after it`, async (t) => {
      const { env, load } = w;
      if (withoutPodFaults(t, env)) return;
      const tag = tagOf(helm, '2.0', `${behaviour}${from}`);
      await ok(env, ['start', '--new-tag', tag]);
      if (from > 2) await ok(env, ['promote', '--to', String(from)]);
      const c = new Checks();
      const fault = Date.now();
      await env.world.setImageBehaviour(image(tag), behaviour, { existingPods: true });
      // the outage shows: the endpoints' change reaches Envoy
      await sleep(PROPAGATION_MS + 700);
      const rb = await rollbackUntilStable(env, load);
      await rollbackChecks(c, env, rb);
      const beforeTool = load.between(fault, rb.runs[0]!.startedAt);
      const all = load.between(fault, rb.runs.at(-1)!.endedAt + 1500);
      report(t, {
        scenario: `2 ${behaviour} at stage ${from}: rollback`, helm, requests: all.total, failed: all.failed, failedBeforeTool: beforeTool.failed, ...rollbackNumbers(rb), broken: c.broken,
        notes: `during the first rollback: ${describeCounts(rb.during)}`,
      });
      c.assertAll();
    });
  });
}

// 5. A hand edit of the VirtualService.
function handEdit(helm: HelmMajor): void {
  group(`helm ${helm}: a hand-edited VirtualService`, () => {
    const w = world(helm);
    it('5. promote after a hand edit exits 4; rollback exits 0 in one run and restores stable', async (t) => {
      const { env, load } = w;
      await ok(env, ['start', '--new-tag', tagOf(helm, '2.0', 'edit')]);
      const c = new Checks();
      const vs = await env.get('virtualService', env.release);
      const http = structuredClone(vs.spec.http);
      for (const r of http[0].route) r.weight = r.destination.subset === 'canary' ? 30 : 70;
      const from = Date.now();
      // what `kubectl edit` does: a write under another field manager
      const res = await env.api.call('PATCH', `/apis/networking.istio.io/v1/namespaces/${env.namespace}/virtualservices/${env.release}?fieldManager=kubectl-edit`,
        JSON.stringify({ spec: { http } }), 'application/merge-patch+json');
      assert.equal(res.status, 200, res.text);
      assert.deepEqual((await env.observe()).weights, { production: 70, canary: 30 });
      const p = await timed(env, ['promote']);
      c.equal(p.exitCode, 4, `promote after the hand edit exit (${summary(p)})`);
      c.equal((await env.observe()).weights.canary, 30, 'canary weight after the refused promote');
      const rb = await rollbackUntilStable(env, load);
      await rollbackChecks(c, env, rb);
      const counts = load.between(from, rb.runs.at(-1)!.endedAt + 1500);
      c.equal(counts.failed, 0, `failed requests from the edit on (${describeCounts(counts)})`);
      report(t, { scenario: '5 hand-edited VirtualService: promote, rollback', helm, requests: counts.total, failed: counts.failed, ...rollbackNumbers(rb), broken: c.broken, notes: `rollback said: ${(rb.runs[0]!.stderr + rb.runs[0]!.stdout).trim().split('\n').filter((l) => /drift|conflict|took|field|manager/i.test(l)).slice(0, 2).join(' / ') || '-'}` });
      c.assertAll();
    });
  });
}

// 3. The lost record.
function lostRecord(helm: HelmMajor): void {
  group(`helm ${helm}: the record lost at stage 3`, () => {
    const w = world(helm);
    it('3. without the record: status shows the rollout, deploy is refused (exit 4), rollback restores stable in one run', async (t) => {
      const { env, load } = w;
      const tag = tagOf(helm, '2.0', 'lost');
      await ok(env, ['start', '--new-tag', tag]);
      await ok(env, ['promote']);
      assert.equal(stageShape(await env.observe()), `P 1.0/2/10 C ${tag}/2/90`);
      const c = new Checks();
      const from = Date.now();
      const deleted = await env.api.call('DELETE', `/api/v1/namespaces/${env.namespace}/configmaps/helm-canary-${env.release}`);
      assert.equal(deleted.status, 200, deleted.text);
      const s = await timed(env, ['status', '-o', 'json']);
      c.equal(s.exitCode, 0, `status -o json exit (${summary(s)})`);
      let status: any = {};
      try {
        status = JSON.parse(s.stdout);
      } catch {
        c.check(false, `status -o json printed no JSON: ${s.stdout.slice(0, 200)}`);
      }
      c.check(status.phase !== 'none', `status phase without the record: ${status.phase} (position ${status.position})`);
      c.check((status.nextMoves ?? []).some((m: string) => /rollback/.test(m)), `status nextMoves without the record: ${JSON.stringify(status.nextMoves)}`);
      const shape = stageShape(await env.observe());
      const d = await timed(env, ['deploy', '--tag', '1.0']);
      c.equal(d.exitCode, 4, `deploy --tag 1.0 mid-rollout without the record exit (${summary(d)})`);
      c.equal(stageShape(await env.observe()), shape, 'shape after the refused deploy');
      await sleep(PROPAGATION_MS + 200);
      const deploying = load.between(d.startedAt);
      c.equal(deploying.failed, 0, `failed requests from the deploy on (${describeCounts(deploying)})`);
      const rb = await rollbackUntilStable(env, load);
      await rollbackChecks(c, env, rb);
      const counts = load.between(from, rb.runs.at(-1)!.endedAt + 1500);
      c.equal(counts.failed, 0, `failed requests from the lost record on (${describeCounts(counts)})`);
      report(t, { scenario: '3 lost record at stage 3: status, deploy, rollback', helm, requests: counts.total, failed: counts.failed, ...rollbackNumbers(rb), broken: c.broken, notes: `status phase ${status.phase}, position ${status.position}; deploy: ${summary(d)}; first rollback: ${summary(rb.runs[0]!)}` });
      c.assertAll();
    });
  });
}

// 4. A killed promote is shown as interrupted.
function killedPromote(helm: HelmMajor): void {
  group(`helm ${helm}: SIGKILL of a waiting promote`, () => {
    const w = world(helm, SHORT_LEASE);
    it('4. status after a killed promote says interrupted, not a live promoting', async (t) => {
      const { env, load } = w;
      if (withoutPodFaults(t, env)) return;
      const tag = tagOf(helm, '2.0', 'sigkill');
      await ok(env, ['start', '--new-tag', tag]);
      await ok(env, ['promote', '--to', '4']);
      await env.world.setImageReadyDelay(image(tag), 60_000); // the new production pods
      const c = new Checks();
      const child = spawnCli(env, ['promote']);
      const applied = await waitFor(async () => (await pods(env, 'production')).some((p) => p.tag === tag), 15_000);
      assert.ok(applied, `promote applied stage 5 (a production pod at ${tag})`);
      await sleep(500);
      await kill(child, 'SIGKILL');
      await sleep(2500); // the killed run's lease lapses
      const json = await timed(env, ['status', '-o', 'json']);
      const text = await timed(env, ['status']);
      const status = JSON.parse(json.stdout || '{}');
      c.check(/interrupted/i.test(json.stdout), `status -o json does not say interrupted: phase ${status.phase}, position ${status.position}, nextMoves ${JSON.stringify(status.nextMoves)}, lock ${JSON.stringify(status.lock)}`);
      c.check(/interrupted/i.test(text.stdout), `status does not say interrupted: ${text.stdout.split('\n').filter((l) => /stage|next|helm/.test(l)).join(' / ')}`);
      const rb = await rollbackUntilStable(env, load);
      await rollbackChecks(c, env, rb);
      report(t, { scenario: '4b status after SIGKILL of promote, then rollback', helm, requests: 0, failed: 0, ...rollbackNumbers(rb), broken: c.broken, notes: `status: phase ${status.phase}, position ${status.position}` });
      c.assertAll();
    });
  });
}

// 6. A killed tool takes its helm with it, and --recover does not restart pods that already run the desired spec.
function killedTool(helm: HelmMajor): void {
  group(`helm ${helm}: SIGKILL of the tool while helm upgrades`, () => {
    // It holds up one API request of helm's: only the simulator can.
    const w = onSimulator ? world(helm, SHORT_LEASE) : undefined;
    it('6. the killed tool leaves no helm behind; promote --to 5 --recover finishes without restarting pods at the desired spec', { skip: SIM_ONLY }, async (t) => {
      const { env, load } = w!;
      await ok(env, ['start', '--new-tag', '2.0']);
      await ok(env, ['promote', '--to', '4']);
      const c = new Checks();
      // Stage 5's helm upgrade: once it has changed the production Deployment, its next request (for
      // the DestinationRule or VirtualService) is held up 6 s, and the tool is killed meanwhile.
      let heldAt = 0;
      const stopWatching = env.sim!.store.subscribe((e) => {
        if (e.resource.kind !== 'Deployment' || e.object.metadata.name !== `${env.release}-production` || heldAt < 0) return;
        if (!String((e.object as any).spec?.template?.spec?.containers?.[0]?.image).endsWith(':2.0')) return;
        heldAt = -1;
        env.sim!.faults.failRequests({
          path: new RegExp(`/apis/networking\\.istio\\.io/v1/namespaces/${env.namespace}/(destinationrules|virtualservices)/${env.release}$`),
          delayMs: 6000, times: 1, onHit: () => { heldAt = Date.now(); },
        });
      });
      const from = Date.now();
      const child = spawnCli(env, ['promote', '--to', '5']);
      const held = await waitFor(() => heldAt > 0, 20_000);
      stopWatching();
      assert.ok(held, 'stage 5 changed the production Deployment and then asked for the DestinationRule or VirtualService');
      await sleep(200);
      const helms = await descendants(child.pid!);
      c.check(helms.length > 0, 'a child process (helm) runs while the request is held up');
      await kill(child, 'SIGKILL');
      const killedAt = Date.now();
      const gone = await waitFor(() => helms.every((p) => !isAlive(p.pid)), 3000);
      const left = helms.filter((p) => isAlive(p.pid));
      c.check(gone, `3 s after SIGKILL of the tool, its children still run: ${left.map((p) => `${p.command} (pid ${p.pid})`).join(', ')}`);
      const goneAfter = (await waitFor(() => helms.every((p) => !isAlive(p.pid)), 15_000)) ? (Date.now() - killedAt) / 1000 : undefined;
      // the production pods the killed upgrade already brought up at the desired spec
      await waitFor(async () => (await pods(env, 'production')).filter((p) => p.tag === '2.0' && p.ready && !p.terminating).length === 2, 5000);
      const desired = (await pods(env, 'production')).filter((p) => p.tag === '2.0' && !p.terminating);
      let r = await timed(env, ['promote', '--to', '5', '--recover']);
      for (let i = 0; i < 20 && r.exitCode === 4 && /locked by/.test(r.stderr); i++) {
        await sleep(500);
        r = await timed(env, ['promote', '--to', '5', '--recover']);
      }
      c.equal(r.exitCode, 0, `promote --recover exit (${summary(r)})`);
      c.equal(stageShape(await env.observe()), 'P 2.0/2/0 C 2.0/2/100', 'shape after promote --recover');
      c.equal((await env.observe()).record?.stage, 5, 'record stage after promote --recover');
      const helmStatus = JSON.parse((await timed(env, ['status', '-o', 'json'])).stdout || '{}').helm;
      c.check(!/pending/.test(String(helmStatus?.status)), `helm release after promote --recover: ${JSON.stringify(helmStatus)}`);
      const now = (await pods(env, 'production')).filter((p) => !p.terminating);
      const restarted = desired.filter((p) => !now.some((q) => q.uid === p.uid));
      c.check(restarted.length === 0, `production pods at 2.0 replaced by promote --recover: ${restarted.map((p) => p.name).join(', ')} (now ${now.map((p) => `${p.name}@${p.tag}`).join(', ')})`);
      const counts = load.between(from, r.endedAt);
      c.equal(counts.failed, 0, `failed requests from the killed promote on (${describeCounts(counts)})`);
      const rb = await rollbackUntilStable(env, load);
      report(t, {
        scenario: '6 SIGKILL of the tool during helm upgrade, promote --recover', helm, requests: counts.total, failed: counts.failed, ...rollbackNumbers(rb), broken: c.broken,
        notes: `children at kill: ${helms.map((p) => p.command).join(', ')}; all gone after ${goneAfter?.toFixed(1) ?? '>15'} s; promote --recover: ${summary(r)}; helm then ${helmStatus?.status} (revision ${helmStatus?.revision}); pods at desired spec replaced: ${restarted.length}/${desired.length}`,
      });
      c.assertAll();
    });
  });
}

// One cluster per scenario, side by side; HELM_CANARY_FAILURES_HELM=4 and HELM_CANARY_FAILURES_ONLY=<regex
// on the names below> select some (unselected ones start no cluster).
const ONLY_HELM = process.env.HELM_CANARY_FAILURES_HELM;
const ONLY = process.env.HELM_CANARY_FAILURES_ONLY ? new RegExp(process.env.HELM_CANARY_FAILURES_ONLY) : undefined;
function group(name: string, fn: () => void): void {
  if (ONLY && !ONLY.test(name)) return;
  describe(name, { concurrency: false }, fn);
}

describe('failures under load', { concurrency: CONCURRENCY }, () => {
  for (const helm of [...HELM_MAJORS].reverse()) {
    if (ONLY_HELM && String(helm) !== ONLY_HELM) continue;
    // the longest first, so they do not queue behind the short ones
    for (const from of [7, 6, 5, 4, 3, 2]) brokenVersionRollback(helm, from, 'crash-loop');
    brokenVersionRollback(helm, 2, 'never-ready');
    stageFiveNeverReady(helm);
    killedTool(helm);
    killedPromote(helm);
    lostRecord(helm);
    handEdit(helm);
    failedFirstStep(helm);
    interruptedSlowStart(helm);
  }
});
