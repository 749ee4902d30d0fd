// Traffic safety under load: with pod start and termination delays and an Envoy propagation delay,
// helm-canary's stage order (pods before traffic, traffic before removal, drain in between) loses
// no request, in a complete rollout and in a rollback from every stage; the seed's literal helm
// commands, run against the same cluster, lose some. The traffic split at each traffic stage is
// checked against the stage's weight. Counts are printed as diagnostics (BENCHMARKS.md quotes them).
//
// It runs on the simulator, or on E2E_KUBECONFIG's API server (`npm run test:real`) with the
// traffic model over watches; there the pods' ready delay is set per image, the cluster's options
// being the simulator's only.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import type { LoadGenerator, TrafficCounts } from '../../sim/mesh/index.js';
import { givenCluster, REPOSITORY, stageShape, type Env, type HelmMajor } from '../helpers/e2e.js';
import { runHelm, seedHelmArgs, seedStages } from './seed-helm.js';

// The scenario: every delay non-zero, drainSeconds above the propagation delay.
const RATE = 200; // requests per second
const PROPAGATION_MS = 300;
// Pods take longer to become ready than configuration takes to reach Envoy, as in real clusters.
const CLUSTER = { podReadyDelayMs: 500, podTerminationDelayMs: 200, meshPropagationDelayMs: PROPAGATION_MS, trafficSeed: 20240607 };
const CONFIG = { drainSeconds: 1, helm: { timeout: '30s' } };
// The split check: a window of at least MIN_REQUESTS after the stage is in place and has reached
// Envoy; a 10 % weight over 500 requests has a standard deviation of 1.3 points, so ±5 is safe
// while still catching a wrong weight.
const SPLIT_WINDOW_MS = 2500;
const MIN_REQUESTS = 400;
const TOLERANCE_POINTS = 5;

function describeCounts(c: TrafficCounts): string {
  const reasons = Object.entries(c.failures).map(([r, n]) => `${r}: ${n}`).join(', ');
  return `${c.total} requests, ${c.failed} failed${reasons ? ` (${reasons})` : ''}`;
}

async function ok(env: Env, args: string[]): Promise<void> {
  const r = await env.cli(args);
  assert.equal(r.exitCode, 0, `helm-canary ${args.join(' ')}: ${r.stderr}`);
}

/** givenScenario is a cluster with the scenario's delays, whose pods of `tags` take podReadyDelayMs to start wherever it runs. */
async function givenScenario(helm: HelmMajor, tags: string[]): Promise<Env> {
  const env = await givenCluster(helm, { cluster: CLUSTER, config: CONFIG });
  // On the simulator CLUSTER already says so; elsewhere it is kwok's, set per image.
  if (!env.sim && env.world.podFaults) {
    for (const tag of tags) await env.world.setImageReadyDelay(`${REPOSITORY}:${tag}`, CLUSTER.podReadyDelayMs);
  }
  return env;
}

/** startLoadAfterReach waits until the installed route has reached Envoy, then starts the load. */
async function startLoadAfterReach(env: Env): Promise<LoadGenerator> {
  // On the simulator the cluster's options already carry these.
  const traffic = await env.world.traffic({ meshPropagationDelayMs: PROPAGATION_MS, seed: CLUSTER.trafficSeed });
  await sleep(PROPAGATION_MS + 200);
  return traffic.startLoad({ ratePerSecond: RATE, durationMs: 10 * 60_000 });
}

/** canarySplit measures the canary's share over a window once the stage's weights reached Envoy. */
async function canarySplit(load: LoadGenerator): Promise<{ total: number; percent: number }> {
  await sleep(PROPAGATION_MS + 200);
  const from = Date.now();
  await sleep(SPLIT_WINDOW_MS);
  const c = load.between(from, Date.now());
  return { total: c.total, percent: (100 * (c.bySubset.canary ?? 0)) / c.total };
}

function rolloutWithTool(helm: HelmMajor): void {
  describe(`a complete rollout under load with helm ${helm}`, () => {
    let env: Env;
    before(async () => {
      env = await givenScenario(helm, ['1.0', '2.0']);
    });
    after(() => env.stop());

    it('loses no request, and each traffic stage splits as its weight says', async (t) => {
      await ok(env, ['deploy', '--tag', '1.0']);
      const load = await startLoadAfterReach(env);
      try {
        const splits: string[] = [];
        for (let stage = 2; stage <= 7; stage++) {
          await ok(env, stage === 2 ? ['start', '--new-tag', '2.0'] : ['promote', '--to', String(stage)]);
          const weight = (await env.observe()).weights.canary;
          if (stage <= 4) {
            // the traffic stages: 10, 90 and 100 % to the canary
            const split = await canarySplit(load);
            splits.push(`stage ${stage}: ${split.percent.toFixed(1)} % of ${split.total} to the canary (weight ${weight})`);
            assert.ok(split.total >= MIN_REQUESTS, `only ${split.total} requests in the window`);
            assert.ok(Math.abs(split.percent - weight) <= TOLERANCE_POINTS, `stage ${stage}: canary share ${split.percent.toFixed(1)} % vs weight ${weight}`);
          }
        }
        assert.equal(stageShape(await env.observe()), 'P 2.0/2/100 C 2.0/0/0');
        // let the last removals reach Envoy before counting
        await sleep(PROPAGATION_MS + 200);
        const total = load.stop();
        for (const s of splits) t.diagnostic(s);
        t.diagnostic(`helm-canary, helm ${helm}, deploy + stages 2..7: ${describeCounts(total)}`);
        assert.ok(total.total > 0);
        assert.equal(total.failed, 0, describeCounts(total));
      } finally {
        load.stop();
      }
    });
  });
}

function rollbacksWithTool(helm: HelmMajor, fromStages: number[]): void {
  // Its rollbacks share one cluster and release: one after the other.
  describe(`rollback under load with helm ${helm} from ${fromStages.join(', ')}`, { concurrency: false }, () => {
    let env: Env;
    let load: LoadGenerator;
    before(async () => {
      env = await givenScenario(helm, ['1.0', ...fromStages.map((from) => `2.${from}`)]);
      await ok(env, ['deploy', '--tag', '1.0']);
      load = await startLoadAfterReach(env);
    });
    after(async () => {
      load?.stop();
      await env.stop();
    });

    for (const from of fromStages) {
      it(`from stage ${from} loses no request`, async (t) => {
        const t0 = Date.now();
        await ok(env, ['start', '--new-tag', `2.${from}`]);
        if (from > 2) await ok(env, ['promote', '--to', String(from)]);
        const t1 = Date.now();
        await ok(env, ['rollback']);
        await sleep(PROPAGATION_MS + 200);
        assert.equal(stageShape(await env.observe()), 'P 1.0/2/100 C 1.0/0/0');
        const reaching = load.between(t0, t1);
        const rollingBack = load.between(t1);
        t.diagnostic(`helm-canary, helm ${helm}, reaching stage ${from}: ${describeCounts(reaching)}; rollback from stage ${from}: ${describeCounts(rollingBack)}`);
        assert.equal(reaching.failed, 0, describeCounts(reaching));
        assert.equal(rollingBack.failed, 0, describeCounts(rollingBack));
      });
    }
  });
}

function seedCommands(helm: HelmMajor): void {
  describe(`the seed's literal helm commands under the same load with helm ${helm}`, () => {
    let env: Env;
    before(async () => {
      env = await givenScenario(helm, ['1.0', '2.0', '3.0']);
    });
    after(() => env.stop());

    it('lose requests (what the stage order of helm-canary prevents)', async (t) => {
      const args = (stable: string, next: string, n: number) =>
        seedHelmArgs({ release: env.release, namespace: env.namespace, repository: REPOSITORY, timeout: '30s' }, seedStages(stable, next, 2)[n - 1]!);
      await runHelm(env.env, args('1.0', '2.0', 1));
      const load = await startLoadAfterReach(env);
      try {
        // Back to back, as helm-commands.sh runs them; each command is charged with the
        // requests from its start to the next command's start.
        const steps: { label: string; argv: string[]; at?: number }[] = [];
        for (let n = 2; n <= 7; n++) steps.push({ label: `stage ${n}`, argv: args('1.0', '2.0', n) });
        // The seed's rollback, one upgrade with the stable values, from the next release's stage 3.
        for (const n of [2, 3]) steps.push({ label: `next release stage ${n}`, argv: args('2.0', '3.0', n) });
        steps.push({ label: 'rollback from stage 3', argv: args('2.0', '3.0', 1) });
        for (const s of steps) {
          s.at = Date.now();
          await runHelm(env.env, s.argv);
        }
        // what the last command broke shows up until its changes have reached Envoy
        await sleep(PROPAGATION_MS + 200);
        assert.equal(stageShape(await env.observe()), 'P 2.0/2/100 C 2.0/0/0');
        const counts = steps.map((s, i) => ({ label: s.label, c: load.between(s.at!, steps[i + 1]?.at) }));
        const total = load.stop();
        for (const { label, c } of counts) t.diagnostic(`${label}: ${describeCounts(c)}`);
        const rollout = counts.slice(0, 6).reduce((sum, { c }) => sum + c.failed, 0);
        const rollback = counts.at(-1)!.c.failed;
        t.diagnostic(`seed helm commands, helm ${helm}: stages 2..7 lost ${rollout}; rollback from stage 3 lost ${rollback}; whole run ${describeCounts(total)}`);
        assert.ok(total.failed > 0, `the seed's commands were expected to lose requests: ${describeCounts(total)}`);
      } finally {
        load.stop();
      }
    });
  });
}

// The scenarios run side by side, each on its own cluster: most of their time is spent waiting for
// pods, drains and propagation, and one after the other they would take over two minutes.
describe('traffic safety', { concurrency: true }, () => {
  rolloutWithTool(4);
  // two clusters share the six rollbacks, so the longest (from 5, 6, 7) do not queue behind each other
  rollbacksWithTool(4, [2, 3, 4, 5]);
  rollbacksWithTool(4, [6, 7]);
  seedCommands(4);
  // Helm 3's legacy --wait polls every 2 s, which makes each apply slow: one complete rollout only.
  rolloutWithTool(3);
});
