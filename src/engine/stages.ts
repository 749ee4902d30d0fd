// Derives the ordered stages of a rollout from a release and a plan: stable, one stage per canary
// weight step, production updated, traffic back, new stable. Seven stages for steps [10, 90, 100].
import { canaryReplicaCount, checkPlan } from './plan-rules.js';
import { EngineError, planTransition } from './transition.js';
import { routedAfterSteps, toSteps } from './steps.js';
import { ROLES, type Plan, type ReleaseSpec, type Stage, type StageKind, type StageValues } from './types.js';

/** PlanError carries every problem of a plan, each with its field path. */
export class PlanError extends EngineError {
  override name = 'PlanError';
  constructor(readonly problems: { path: string; message: string }[]) {
    super(problems.map((p) => `${p.path}: ${p.message}`).join('\n'));
  }
}

type Targets = Pick<ReleaseSpec, 'repository' | 'stableTag' | 'newTag' | 'replicas'>;

/** stableValues is stage 1: the stable tag everywhere, all traffic to production, no canary pods. */
export function stableValues(spec: Targets): StageValues {
  return {
    production: { repository: spec.repository, tag: spec.stableTag, replicas: spec.replicas, weight: 100 },
    canary: { repository: spec.repository, tag: spec.stableTag, replicas: 0, weight: 0 },
  };
}

interface StageTarget {
  name: string;
  kind: StageKind;
  values: StageValues;
}

function stageTargets(spec: Targets, plan: Plan): StageTarget[] {
  const { repository, stableTag: s, newTag: n, replicas: r } = spec;
  const targets: StageTarget[] = [{ name: 'stable', kind: 'stable', values: stableValues(spec) }];
  let canaryReplicas = r;
  for (const step of plan.steps) {
    canaryReplicas = canaryReplicaCount(step.canaryReplicas ?? r, r) ?? r;
    targets.push({
      name: `canary ${step.weight} %`,
      kind: 'canary',
      values: {
        production: { repository, tag: s, replicas: r, weight: 100 - step.weight },
        canary: { repository, tag: n, replicas: canaryReplicas, weight: step.weight },
      },
    });
  }
  const last = plan.steps.at(-1)!.weight;
  targets.push(
    {
      name: 'production updated',
      kind: 'production-update',
      values: {
        production: { repository, tag: n, replicas: r, weight: 100 - last },
        canary: { repository, tag: n, replicas: canaryReplicas, weight: last },
      },
    },
    {
      name: 'traffic back',
      kind: 'traffic-back',
      values: {
        production: { repository, tag: n, replicas: r, weight: 100 },
        canary: { repository, tag: n, replicas: canaryReplicas, weight: 0 },
      },
    },
    {
      name: 'new stable',
      kind: 'new-stable',
      values: {
        production: { repository, tag: n, replicas: r, weight: 100 },
        canary: { repository, tag: n, replicas: 0, weight: 0 },
      },
    },
  );
  return targets;
}

/** stageCount is how many stages a plan gives: stable, one per step, production updated, traffic back, new stable. */
export function stageCount(plan: Pick<Plan, 'steps'>): number {
  return plan.steps.length + 4;
}

/**
 * planStages returns the ordered stages, each with the applies that reach it from the stage
 * before it. Throws PlanError listing every problem when the plan breaks a rule.
 */
export function planStages(spec: Targets, plan: Plan): Stage[] {
  const problems = checkPlan(plan, spec.replicas);
  if (spec.stableTag === spec.newTag) {
    problems.push({ path: 'newTag', message: `must differ from the stable tag (both are ${JSON.stringify(spec.newTag)})` });
  }
  if (problems.length) throw new PlanError(problems);
  const targets = stageTargets(spec, plan);
  const allowRollingUnderTraffic = rollsUnderTraffic(plan);
  const stages: Stage[] = [];
  for (const [i, target] of targets.entries()) {
    for (const role of ROLES) {
      const w = target.values[role].weight;
      if (!Number.isInteger(w) || w < 0 || w > 100) throw new EngineError(`stage ${i + 1}: ${role} weight ${w} is outside 0..100`);
    }
    if (target.values.production.weight + target.values.canary.weight !== 100) {
      throw new EngineError(`stage ${i + 1}: weights do not sum to 100`);
    }
    const previous = stages[i - 1];
    // Each stage's applies are the ones a promote from the stage before computes: the same
    // recently-routed set the runner records as it goes, so plan and runner never disagree.
    const applies = previous
      ? planTransition(previous.values, target.values, { recentlyRouted: previous.recentlyRouted, allowRollingUnderTraffic })
      : [{ values: target.values, purpose: 'stable values', drainBefore: false }];
    const recentlyRouted = previous ? routedAfterSteps(toSteps(previous.values, applies), previous.recentlyRouted) : [];
    stages.push({ number: i + 1, name: target.name, kind: target.kind, values: target.values, applies, recentlyRouted });
  }
  return stages;
}

/**
 * rollsUnderTraffic is true for plans whose last step stays below 100 %: production is updated
 * by a rolling update while it keeps its share of traffic.
 */
export function rollsUnderTraffic(plan: { steps: readonly { weight: number }[] }): boolean {
  return plan.steps.at(-1)!.weight < 100;
}

/** stagesRollUnderTraffic is rollsUnderTraffic of the plan the stages were made from: its last canary stage's weight. */
export function stagesRollUnderTraffic(stages: Stage[]): boolean {
  return rollsUnderTraffic({ steps: stages.filter((s) => s.kind === 'canary').map((s) => s.values.canary) });
}
