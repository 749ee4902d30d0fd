// The model's own answer to "what are stage N's values", written from DESIGN.md's table rather
// than taken from the engine, so an engine mistake cannot hide behind itself.
import type { DeploymentValues, StageValues } from '../../src/engine/index.js';

/** RolloutFacts are the parts of a rollout record the stages follow from. */
export interface RolloutFacts {
  repository: string;
  replicas: number;
  stableTag: string;
  newTag: string;
  plan: { steps: { weight: number; canaryReplicas?: number | string }[] };
}

/** stableStage is stage 1 for `tag`: that tag everywhere, all traffic on production, no canary pods. */
export function stableStage(repository: string, tag: string, replicas: number): StageValues {
  return {
    production: { repository, tag, replicas, weight: 100 },
    canary: { repository, tag, replicas: 0, weight: 0 },
  };
}

// canaryCount: a step's canary pods; "50%" of 3 is 2, never fewer than 1 (plan-rules.ts documents it).
function canaryCount(value: number | string | undefined, replicas: number): number {
  if (value === undefined) return replicas;
  if (typeof value === 'number') return value;
  return Math.max(1, Math.ceil((replicas * Number(value.replace('%', ''))) / 100));
}

/** expectedStages lists every stage's values, stage 1 first (DESIGN.md, "The seven stages"). */
export function expectedStages(f: RolloutFacts): StageValues[] {
  const { repository: repo, replicas: r, stableTag: s, newTag: n } = f;
  const d = (tag: string, replicas: number, weight: number): DeploymentValues => ({ repository: repo, tag, replicas, weight });
  const stages = [stableStage(repo, s, r)];
  let canary = r;
  for (const step of f.plan.steps) {
    canary = canaryCount(step.canaryReplicas, r);
    stages.push({ production: d(s, r, 100 - step.weight), canary: d(n, canary, step.weight) });
  }
  const last = f.plan.steps.at(-1)!.weight;
  stages.push(
    { production: d(n, r, 100 - last), canary: d(n, canary, last) },
    { production: d(n, r, 100), canary: d(n, canary, 0) },
    { production: d(n, r, 100), canary: d(n, 0, 0) },
  );
  return stages;
}

/** sameStageValues compares every field of both deployments. */
export function sameStageValues(a: StageValues | undefined, b: StageValues | undefined): boolean {
  if (!a || !b) return a === b;
  return (['production', 'canary'] as const).every((r) => (['repository', 'tag', 'replicas', 'weight'] as const).every((k) => a[r][k] === b[r][k]));
}

/** formatValues renders stage values compactly: "prod v1×2 @90 / canary v2×2 @10". */
export function formatValues(v: StageValues | undefined): string {
  if (!v) return '(no release objects)';
  return `prod ${v.production.tag}×${v.production.replicas} @${v.production.weight} / canary ${v.canary.tag}×${v.canary.replicas} @${v.canary.weight}`;
}

/** showsRollout: canary pods or canary traffic mean a rollout is in progress, whatever the record says. */
export function showsRollout(v: StageValues | undefined): boolean {
  return v !== undefined && (v.canary.replicas > 0 || v.canary.weight > 0);
}
