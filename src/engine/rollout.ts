// The whole rollout as data: every stage with its applies (values and helm argv), and the
// rollback sequence from every stage. This is what `plan` prints, and the runner executes the
// same applies: both come from the engine's decisions (next-moves.ts).
import { overlayChartValues, toChartValues, type ChartValues } from './chart-values.js';
import { upgradeArgs } from './helm-args.js';
import { decidePromote, decideRollback, type RecordedRollout } from './next-moves.js';
import { rolloutDescription } from './revision-description.js';
import { planStages, stableValues } from './stages.js';
import { toSteps, type Step } from './steps.js';
import { EngineError } from './transition.js';
import type { DeploymentRole, DeploymentValues, Plan, ReleaseSpec, Stage, StageKind, StageValues } from './types.js';

/** ApplyRef names one apply, so each gets its own generated values file. */
export type ApplyRef = { stage: number; apply: number } | { rollbackFrom: number; apply: number } | { deploy: true };

/** valuesFileName is the default name of the generated values file of an apply. */
export function valuesFileName(release: string, ref: ApplyRef): string {
  if ('deploy' in ref) return `${release}-deploy.values.yaml`;
  const letter = String.fromCharCode(96 + ref.apply); // 1 -> a
  return 'stage' in ref
    ? `${release}-stage-${ref.stage}${letter}.values.yaml`
    : `${release}-rollback-from-${ref.rollbackFrom}${letter}.values.yaml`;
}

/** PlannedApply is one apply exactly as the runner runs it: its step, values file and helm argv. */
export interface PlannedApply {
  /** For progress lines: "stage 2 (canary 10 %) step 1/2". */
  step: string;
  /** For messages: the step and its purpose, "stage 2 (canary 10 %) step 1/2 (canary pods up ...)". */
  title: string;
  purpose: string;
  drainBefore: boolean;
  /** Deployments whose pods must all be ready before helm runs (they get more traffic). */
  gate: DeploymentRole[];
  /** Deployments the runner waits for after helm (their pods change, or they get traffic). */
  waitFor: DeploymentRole[];
  /** The weights change: recorded before helm runs, for the drain of a later removal. */
  movesTraffic: boolean;
  /** What counts as recently routed while it applies, and once it is done. */
  routedWhileApplying: DeploymentRole[];
  routedAfter: DeploymentRole[];
  state: StageValues;
  values: ChartValues;
  valuesFile: string;
  /** What helm keeps with the revision; names the rollout's tags (`helm history`). */
  description: string;
  /** helm's argv as helm-canary runs it: no --wait, because the runner waits for the Deployments the apply changed. */
  helm: string[];
  /** helm's argv for a person or script applying it without helm-canary: with --wait, as nothing else gates traffic. */
  helmByHand: string[];
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

/** ApplySpec is what an apply's argv needs of the release, and the rollout's tags. */
export type ApplySpec = Pick<ReleaseSpec, 'release' | 'namespace' | 'chart' | 'valuesFiles' | 'helm' | 'valuePaths' | 'overlay' | 'stableTag' | 'newTag'>;

/** stageTitle names a stage in progress lines and helm descriptions: "stage 2 (canary 10 %)". */
export function stageTitle(stage: Pick<Stage, 'number' | 'name'>): string {
  return `stage ${stage.number} (${stage.name})`;
}

/** ROLLBACK_TITLE names a rollback's applies. */
export const ROLLBACK_TITLE = 'rollback';

/**
 * plannedApplies turns steps into applies as the runner runs them: `title` is the move's
 * ("stage 2 (canary 10 %)", "rollback"), `ref` names each values file.
 */
export function plannedApplies(
  spec: Omit<ApplySpec, 'stableTag' | 'newTag'>,
  title: string,
  steps: Step[],
  ref: (apply: number) => ApplyRef,
  fileFor: (ref: ApplyRef) => string = (r) => valuesFileName(spec.release, r),
  describe: (step: string) => string = (step) => rolloutDescription(spec as ApplySpec, step),
): PlannedApply[] {
  return steps.map((step, i) => {
    const valuesFile = fileFor(ref(i + 1));
    const stepTitle = steps.length > 1 ? `${title} step ${i + 1}/${steps.length}` : title;
    const description = describe(`${stepTitle}: ${step.purpose}`);
    return {
      step: stepTitle,
      title: `${stepTitle} (${step.purpose})`,
      purpose: step.purpose,
      drainBefore: step.drainBefore,
      gate: step.gate,
      waitFor: step.waitFor,
      movesTraffic: step.movesTraffic,
      routedWhileApplying: step.routedWhileApplying,
      routedAfter: step.routedAfter,
      state: step.values,
      values: spec.overlay ? overlayChartValues(step.values, spec.overlay) : toChartValues(step.values, spec.valuePaths),
      valuesFile,
      description,
      helm: upgradeArgs(spec, valuesFile, { wait: false, description }),
      helmByHand: upgradeArgs(spec, valuesFile),
    };
  });
}

/**
 * deployApplies is a deploy of `tag`: the stable stage in one apply, from what the cluster runs
 * (undefined: a first install, which waits for everything it creates). Not a rollout: a plain
 * update, rolling under traffic as any helm upgrade does.
 */
export function deployApplies(spec: Omit<ApplySpec, 'stableTag' | 'newTag'> & Pick<ReleaseSpec, 'repository' | 'replicas'>, tag: string, observed: StageValues | undefined): PlannedApply[] {
  const values = stableValues({ repository: spec.repository, stableTag: tag, newTag: tag, replicas: spec.replicas });
  const steps = toSteps(observed, [{ values, purpose: 'all traffic on production', drainBefore: false }]);
  return plannedApplies(spec, `deploy ${tag}`, steps, () => ({ deploy: true }), undefined, () => `helm-canary deploy ${tag}`);
}

/**
 * planRollout computes the rollout document: each stage's applies are what a promote from the
 * stage before decides, and each rollback what a rollback from that stage decides, so the
 * document is what the runner will run. `fileFor` names each apply's values file.
 */
export function planRollout(spec: ReleaseSpec, plan: Plan, fileFor?: (ref: ApplyRef) => string): RolloutPlan {
  const stages = planStages(spec, plan);
  // The record a rollout has after promotes from stage 1 up to `stage`.
  const recordAt = (stage: Stage): RecordedRollout => ({ stage: stage.number, phase: 'in-progress', recentlyRouted: stage.recentlyRouted });
  const applies = (stage: Stage): PlannedApply[] => {
    if (stage.number === 1) return plannedApplies(spec, stageTitle(stage), toSteps(undefined, stage.applies), (apply) => ({ stage: 1, apply }), fileFor);
    const before = stages[stage.number - 2]!;
    const decision = decidePromote(stages, recordAt(before), { values: before.values, ready: true }, { to: stage.number });
    if (decision.kind !== 'promote') throw new EngineError(`stage ${stage.number}: a promote from stage ${before.number} would not apply it (${decision.kind})`);
    return plannedApplies(spec, stageTitle(stage), decision.moves[0]!.steps, (apply) => ({ stage: stage.number, apply }), fileFor);
  };
  const rollback: Record<string, PlannedApply[]> = {};
  for (const stage of stages.slice(1)) {
    const decision = decideRollback(stages, recordAt(stage), { values: stage.values });
    rollback[String(stage.number)] = plannedApplies(spec, ROLLBACK_TITLE, decision.steps, (apply) => ({ rollbackFrom: stage.number, apply }), fileFor);
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
      applies: applies(s),
    })),
    rollback: { from: rollback },
  };
}
