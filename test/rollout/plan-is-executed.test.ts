// "One plan, executed": the applies `plan` prints are the applies the runner runs, helm argv and
// values file names included, for every stage of a rollout and a rollback from every stage.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { DEFAULT_VALUE_PATHS, planRollout, type Plan } from '../../src/engine/index.js';
import { deploy } from '../../src/rollout/deploy.js';
import { promote } from '../../src/rollout/promote.js';
import { rollback } from '../../src/rollout/rollback.js';
import { start } from '../../src/rollout/start.js';
import type { RunnerContext } from '../../src/rollout/context.js';
import { CollectingReporter } from '../model/fakes/collecting-reporter.js';
import { createWorld, runnerContext, type World } from '../model/fakes/index.js';

const PLANS: Plan[] = [
  { name: 'seven-stage', steps: [{ weight: 10 }, { weight: 90 }, { weight: 100 }], finalStepMustBe100: true, drainSeconds: 10 },
  { name: 'gradual', steps: [{ weight: 5 }, { weight: 25 }, { weight: 50 }, { weight: 100 }], finalStepMustBe100: true, drainSeconds: 0 },
  // The last step below 100: production is updated while it keeps its share of traffic.
  { name: 'half', steps: [{ weight: 50, canaryReplicas: '50%' }], finalStepMustBe100: false, drainSeconds: 5 },
];

// Runs `work` as one command over `world`, recording helm's argv with the values path as named.
async function command(world: World, plan: Plan, argvs: string[][], work: (ctx: RunnerContext) => Promise<unknown>): Promise<void> {
  const ctx = runnerContext(world, { plan, holder: 'test', dryRun: false, reporter: new CollectingReporter() });
  const helm = ctx.helm;
  ctx.helm = Object.assign(Object.create(Object.getPrototypeOf(helm)), helm, {
    upgrade: (argv: string[], options?: unknown) => {
      argvs.push(argv.map((w) => w.replace(/^\/model\/values\//, '')));
      return helm.upgrade(argv, options as never);
    },
  });
  world.beginCommand({ name: 'test', holder: 'test', dryRun: false, readOnly: false });
  try {
    await work(ctx);
  } finally {
    world.endCommand();
  }
}

function fresh(): World {
  return createWorld({ release: 'web', namespace: 'shop', repository: 'registry.example/web', replicas: 4, helmTimeoutMs: 60_000, lockTtlSeconds: 60 });
}

for (const plan of PLANS) {
  describe(`plan ${plan.name}: what plan prints is what the runner runs`, () => {
    const doc = planRollout(
      { release: 'web', namespace: 'shop', chart: { kind: 'path', path: 'charts/canary-app' }, valuesFiles: [], repository: 'registry.example/web', replicas: 4, stableTag: 'v1', newTag: 'v2', valuePaths: DEFAULT_VALUE_PATHS, helm: { timeout: '60s', createNamespace: false, extraArgs: [] } },
      plan,
    );

    it('promote through every stage runs exactly the applies of stages 2 to the last', async () => {
      const world = fresh();
      await command(world, plan, [], (ctx) => deploy(ctx, { tag: 'v1' }));
      const argvs: string[][] = [];
      await command(world, plan, argvs, (ctx) => start(ctx, { newTag: 'v2' }));
      for (let n = 3; n <= doc.stages.length; n++) await command(world, plan, argvs, (ctx) => promote(ctx, {}));
      assert.deepEqual(argvs, doc.stages.slice(1).flatMap((s) => s.applies.map((a) => a.helm)));
    });

    for (const from of doc.stages.slice(1).map((s) => s.number)) {
      it(`rollback from stage ${from} runs exactly the plan's rollback from ${from}`, async () => {
        const world = fresh();
        await command(world, plan, [], (ctx) => deploy(ctx, { tag: 'v1' }));
        await command(world, plan, [], (ctx) => start(ctx, { newTag: 'v2', to: from }));
        const argvs: string[][] = [];
        await command(world, plan, argvs, (ctx) => rollback(ctx, {}));
        assert.deepEqual(argvs, doc.rollback.from[String(from)]!.map((a) => a.helm));
      });
    }
  });
}
