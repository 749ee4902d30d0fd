// The whole rollout as data: every stage with its applies (values and helm argv), and the
// rollback sequence from every stage. This is what `plan` prints and what the runner executes.
import { toChartValues, type ChartValues } from './chart-values.js';
import { upgradeArgs } from './helm-args.js';
import { planRollbackFrom } from './rollback.js';
import { planStages } from './stages.js';
import type { Apply, DeploymentValues, Plan, ReleaseSpec, StageKind, StageValues } from './types.js';

/** ApplyRef names one apply, so each gets its own generated values file. */
export type ApplyRef = { stage: number; apply: number } | { rollbackFrom: number; apply: number };

/** valuesFileName is the default name of the generated values file of an apply. */
export function valuesFileName(release: string, ref: ApplyRef): string {
  const letter = String.fromCharCode(96 + ref.apply); // 1 -> a
  return 'stage' in ref
    ? `${release}-stage-${ref.stage}${letter}.values.yaml`
    : `${release}-rollback-from-${ref.rollbackFrom}${letter}.values.yaml`;
}

/** PlannedApply is an Apply with what it takes to run it. */
export interface PlannedApply {
  purpose: string;
  drainBefore: boolean;
  state: StageValues;
  values: ChartValues;
  valuesFile: string;
  helm: string[];
}

/** PlannedStage is one stage of the rollout document. */
export interface PlannedStage {
  number: number;
  name: string;
  kind: StageKind;
  production: DeploymentValues;
  canary: DeploymentValues;
  applies: PlannedApply[];
}

/** RolloutPlan is the complete rollout document. */
export interface RolloutPlan {
  release: string;
  namespace: string;
  plan: string;
  stableTag: string;
  newTag: string;
  drainSeconds: number;
  stages: PlannedStage[];
  rollback: { from: Record<string, PlannedApply[]> };
}

/** planRollout computes the rollout document. `fileFor` names each apply's values file. */
export function planRollout(
  spec: ReleaseSpec,
  plan: Plan,
  fileFor: (ref: ApplyRef) => string = (ref) => valuesFileName(spec.release, ref),
): RolloutPlan {
  const stages = planStages(spec, plan);
  const toPlanned = (apply: Apply, ref: ApplyRef): PlannedApply => {
    const valuesFile = fileFor(ref);
    return {
      purpose: apply.purpose,
      drainBefore: apply.drainBefore,
      state: apply.values,
      values: toChartValues(apply.values, spec.valuePaths),
      valuesFile,
      helm: upgradeArgs(spec, valuesFile),
    };
  };
  const rollback: Record<string, PlannedApply[]> = {};
  for (const stage of stages.slice(1)) {
    rollback[String(stage.number)] = planRollbackFrom(stages, stage.number).map((a, i) =>
      toPlanned(a, { rollbackFrom: stage.number, apply: i + 1 }),
    );
  }
  return {
    release: spec.release,
    namespace: spec.namespace,
    plan: plan.name,
    stableTag: spec.stableTag,
    newTag: spec.newTag,
    drainSeconds: plan.drainSeconds,
    stages: stages.map((s) => ({
      number: s.number,
      name: s.name,
      kind: s.kind,
      production: s.values.production,
      canary: s.values.canary,
      applies: s.applies.map((a, i) => toPlanned(a, { stage: s.number, apply: i + 1 })),
    })),
    rollback: { from: rollback },
  };
}
