// The overlay traffic scenarios as node:test suites, shared by overlay-traffic.test.ts (helm 4,
// the three charts) and overlay-traffic-helm3.test.ts (helm 3, helm create's chart): a complete
// rollout under load, and rollbacks under load from given stages, each on its own cluster.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { ANY_CHART_REPOSITORY, type AnyChartKind } from '../helpers/any-charts.js';
import { stageShape, type HelmMajor } from '../helpers/e2e.js';
import { checkAutoscaled, checkHooked, helmRevisions, watchHook, type HookWatch } from './overlay-checks.js';
import {
  canarySplit, describeCounts, givenOverlayScenario, MIN_REQUESTS, ok, PROPAGATION_MS, startLoadAfterReach, strangers, TOLERANCE_POINTS,
  type Load, type OverlayScenario,
} from './overlay-scenario.js';

// What the cluster runs at each stage of a rollout from 1.0 to 2.0 (the plan with replicas 2).
const ROLLOUT: Record<number, string> = {
  1: 'P 1.0/2/100 C 1.0/0/0',
  2: 'P 1.0/2/90 C 2.0/2/10',
  3: 'P 1.0/2/10 C 2.0/2/90',
  4: 'P 1.0/2/0 C 2.0/2/100',
  5: 'P 2.0/2/0 C 2.0/2/100',
  6: 'P 2.0/2/100 C 2.0/2/0',
  7: 'P 2.0/2/100 C 2.0/0/0',
};
const canaryReplicasOf = (shape: string) => Number(shape.split(' C ')[1]!.split('/')[1]);
const productionTagOf = (shape: string) => shape.split(' ')[1]!.split('/')[0]!;

/** ChartChecks runs the chart's own checks after each step: autoscaled and hooked charts have some. */
interface ChartChecks {
  afterStep(t: { diagnostic(m: string): void }, label: string, shape: string, revisionsBefore: number): Promise<void>;
  revisions(): Promise<number>;
  stop(): void;
}

function chartChecks(scenario: OverlayScenario): ChartChecks {
  const hook: HookWatch | undefined = scenario.chart.kind === 'hooked' ? watchHook(scenario) : undefined;
  let jobsBefore = 0;
  return {
    revisions: async () => {
      await hook?.caughtUp();
      jobsBefore = hook?.jobsCreated() ?? 0;
      return scenario.chart.kind === 'hooked' ? helmRevisions(scenario) : 0;
    },
    async afterStep(t, label, shape, revisionsBefore) {
      if (scenario.chart.kind === 'autoscaled') t.diagnostic(`${label}: ${await checkAutoscaled(scenario, canaryReplicasOf(shape))}`);
      if (hook) {
        await hook.caughtUp();
        const applies = (await helmRevisions(scenario)) - revisionsBefore;
        assert.ok(applies >= 1, `${label}: at least one helm apply`);
        assert.equal(hook.jobsCreated() - jobsBefore, applies, `${label}: the hook Job ran once per apply (${applies} applies)`);
        assert.equal(hook.configMapMissing(), 0, `${label}: the mounted ConfigMap was missing at some point`);
        await checkHooked(scenario, `${ANY_CHART_REPOSITORY}:${productionTagOf(shape)}`);
      }
    },
    stop: () => hook?.stop(),
  };
}

export function rollout(kind: AnyChartKind, helm: HelmMajor): void {
  describe(`${kind} chart, helm ${helm}: a complete rollout under load`, () => {
    let scenario: OverlayScenario;
    before(async () => {
      scenario = await givenOverlayScenario(kind, helm);
    });
    after(() => scenario?.stop());

    it('loses no request, each traffic stage splits as its weight says, and the chart keeps working', async (t) => {
      const { env } = scenario;
      const checks = chartChecks(scenario);
      let load: Load | undefined;
      try {
        let revisions = await checks.revisions();
        const started = Date.now();
        await ok(env, ['deploy', '--tag', '1.0']);
        assert.equal(stageShape(await env.observe()), ROLLOUT[1]);
        await checks.afterStep(t, 'deploy', ROLLOUT[1]!, revisions);
        load = await startLoadAfterReach(scenario);
        const splits: string[] = [];
        for (let stage = 2; stage <= 7; stage++) {
          revisions = await checks.revisions();
          await ok(env, stage === 2 ? ['start', '--new-tag', '2.0'] : ['promote', '--to', String(stage)]);
          const observed = await env.observe();
          assert.equal(stageShape(observed), ROLLOUT[stage], `stage ${stage}`);
          await checks.afterStep(t, `stage ${stage}`, ROLLOUT[stage]!, revisions);
          if (stage <= 4) {
            // the traffic stages: 10, 90 and 100 % to the canary
            const split = await canarySplit(load.load);
            const weight = observed.weights.canary;
            splits.push(`stage ${stage}: ${split.percent.toFixed(1)} % of ${split.total} to the canary (weight ${weight})`);
            assert.ok(split.total >= MIN_REQUESTS, `only ${split.total} requests in the window`);
            assert.ok(Math.abs(split.percent - weight) <= TOLERANCE_POINTS, `stage ${stage}: canary share ${split.percent.toFixed(1)} % vs weight ${weight}`);
          }
        }
        // let the last removals reach Envoy before counting
        await sleep(PROPAGATION_MS + 200);
        const total = load.load.stop();
        for (const s of splits) t.diagnostic(s);
        t.diagnostic(`overlay ${kind}, helm ${helm}, deploy + stages 2..7 in ${((Date.now() - started) / 1000).toFixed(1)} s: ${describeCounts(total)}`);
        assert.ok(total.total > 0);
        assert.equal(total.failed, 0, describeCounts(total));
        assert.deepEqual(strangers(scenario, load), [], 'requests answered by pods of neither track');
      } finally {
        load?.load.stop();
        checks.stop();
      }
    });
  });
}

export function rollbacks(kind: AnyChartKind, helm: HelmMajor, fromStages: number[]): void {
  // Its rollbacks share one cluster and release: one after the other.
  describe(`${kind} chart, helm ${helm}: rollback under load from ${fromStages.join(', ')}`, { concurrency: false }, () => {
    let scenario: OverlayScenario;
    let load: Load;
    let checks: ChartChecks;
    before(async () => {
      scenario = await givenOverlayScenario(kind, helm);
      checks = chartChecks(scenario);
      await ok(scenario.env, ['deploy', '--tag', '1.0']);
      load = await startLoadAfterReach(scenario);
    });
    after(async () => {
      load?.load.stop();
      checks?.stop();
      await scenario?.stop();
    });

    for (const from of fromStages) {
      it(`from stage ${from} loses no request and returns to 1.0`, async (t) => {
        const { env } = scenario;
        const tag = `2.${from}`;
        const t0 = Date.now();
        let revisions = await checks.revisions();
        await ok(env, ['start', '--new-tag', tag]);
        if (from > 2) await ok(env, ['promote', '--to', String(from)]);
        const reached = ROLLOUT[from]!.replaceAll('2.0', tag);
        assert.equal(stageShape(await env.observe()), reached, `stage ${from}`);
        await checks.afterStep(t, `stage ${from}`, reached, revisions);
        const t1 = Date.now();
        revisions = await checks.revisions();
        await ok(env, ['rollback']);
        await sleep(PROPAGATION_MS + 200);
        assert.equal(stageShape(await env.observe()), 'P 1.0/2/100 C 1.0/0/0');
        await checks.afterStep(t, `rollback from ${from}`, ROLLOUT[1]!, revisions);
        const reaching = load.load.between(t0, t1);
        const rollingBack = load.load.between(t1);
        t.diagnostic(`overlay ${kind}, helm ${helm}, reaching stage ${from}: ${describeCounts(reaching)}; rollback from stage ${from} (${((Date.now() - t1) / 1000).toFixed(1)} s): ${describeCounts(rollingBack)}`);
        assert.equal(reaching.failed, 0, describeCounts(reaching));
        assert.equal(rollingBack.failed, 0, describeCounts(rollingBack));
        assert.deepEqual(strangers(scenario, load), [], 'requests answered by pods of neither track');
      });
    }
  });
}

