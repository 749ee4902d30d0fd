// One plan, executed: from the stages, the rollout record and what the cluster runs, the engine
// decides what a promote or a rollback does next, down to each apply's gate, wait and drain. The
// runner executes the decision and restates none of its rules; `plan` prints the same applies.
import { identifyPosition, diffValues, type FieldDifference } from './identify.js';
import { promotionPath } from './moves.js';
import { planRollbackFromValues } from './rollback.js';
import { stagesRollUnderTraffic } from './stages.js';
import { routedAfterSteps, toSteps, type Step } from './steps.js';
import { planTransition } from './transition.js';
import { ROLES, type DeploymentRole, type Stage, type StageValues } from './types.js';

/** RecordedPhase is the rollout record's phase, as far as the engine's decisions go. */
export type RecordedPhase = 'in-progress' | 'promoting' | 'rolling-back' | 'failed' | 'completed' | 'rolled-back';

/** RecordedRollout is what the engine needs of the rollout record. */
export interface RecordedRollout {
  stage: number;
  phase: RecordedPhase;
  /** The stage a promote was applying (phase promoting or failed). */
  target?: number;
  recentlyRouted?: DeploymentRole[];
}

/** Observation is what the cluster runs: its values (undefined when an object is missing) and whether all their pods are ready. */
export interface Observation {
  values?: StageValues;
  /** Every pod of `values` is ready at its image (on the Deployments' current ReplicaSets). */
  ready: boolean;
}

/**
 * leftUnfinished is true when the record says a command was moving the release and did not end
 * (it was killed, or failed after helm applied): that run may have moved traffic a moment ago
 * without recording it, so the next command counts every Deployment as recently routed.
 */
export function leftUnfinished(phase: RecordedPhase): boolean {
  return phase === 'promoting' || phase === 'rolling-back' || phase === 'failed';
}

/** routedAtTakeover is the recently-routed set a command starts from. */
export function routedAtTakeover(record: RecordedRollout, unknown: DeploymentRole[]): DeploymentRole[] {
  return leftUnfinished(record.phase) ? [...ROLES] : (record.recentlyRouted ?? unknown);
}

/** StageMove is one stage a promote applies: the values it starts from and its steps. */
export interface StageMove {
  stage: number;
  from: StageValues;
  steps: Step[];
}

/** PromoteRequest is what was asked: `to` a stage (default: the next), with drift accepted (`force`). */
export interface PromoteRequest {
  to?: number;
  force?: boolean;
}

/** PromoteDecision is what a promote does; every kind but `promote` applies nothing. */
export type PromoteDecision =
  /** No rollout is in progress: none was started, or the last one completed or was rolled back. */
  | { kind: 'no-rollout'; last?: 'completed' | 'rolled-back' }
  /** The rollout completed at `stage`, which is what was asked for (a re-run pipeline job): nothing to do. */
  | { kind: 'already-completed'; stage: number }
  /** A rollback was interrupted: it must be finished first. */
  | { kind: 'rollback-interrupted' }
  /** The cluster matches neither the recorded stage nor a step towards its target (undefined differences: an object is missing). */
  | { kind: 'drift'; stage: number; differences?: FieldDifference[] }
  /** The rollout is at its last stage. */
  | { kind: 'complete'; stage: number }
  /** `to` is the stage the release is at (a re-run pipeline job): nothing to do. */
  | { kind: 'already-at'; stage: number }
  /** `to` is no stage a promote can go to. */
  | { kind: 'refused'; reason: string }
  | {
      kind: 'promote';
      /** The stage the release is at. */
      from: number;
      /** An interrupted run reached stage `from` (values and ready pods) and did not record it: record it first. */
      recordReached: boolean;
      /** The differences accepted with force, when the cluster drifted. */
      driftIgnored?: FieldDifference[];
      /** The stages to apply, in order (none when an unrecorded stage is recorded and a person judges it first). */
      moves: StageMove[];
    };

// Where the cluster is, against the record: a stage reached, one being re-done, or drift.
type Start =
  | { at: number; resuming?: number; recordReached?: boolean; from: StageValues }
  | { drift: FieldDifference[] | undefined };

function startingPoint(stages: Stage[], record: RecordedRollout, seen: Observation): Start {
  const observed = seen.values;
  if (!observed) return { drift: undefined };
  const position = identifyPosition(stages, observed, record.target ?? record.stage);
  if (position.kind === 'stage' && position.stage === record.stage) return { at: record.stage, from: observed };
  // A stage counts as reached only when its values are applied AND its pods are ready: values in
  // place with pods that never became ready are a stage to re-do, never one to go past.
  if (position.kind === 'stage' && position.stage === record.target) {
    return seen.ready ? { at: position.stage, recordReached: true, from: observed } : { at: position.stage - 1, resuming: position.stage, from: observed };
  }
  if (position.kind === 'promoting' && position.stage === record.target) return { at: position.stage - 1, resuming: position.stage, from: observed };
  return { drift: diffValues(stages[record.stage - 1]!.values, observed) };
}

/**
 * noRolloutInProgress is a promote's decision when no rollout is in progress (none recorded, or
 * the last one completed or was rolled back), undefined while one is: nothing of the cluster is
 * needed to decide it.
 */
export function noRolloutInProgress(record: RecordedRollout | undefined, request: PromoteRequest): Extract<PromoteDecision, { kind: 'no-rollout' | 'already-completed' }> | undefined {
  if (!record) return { kind: 'no-rollout' };
  if (record.phase === 'completed' && request.to === record.stage) return { kind: 'already-completed', stage: record.stage };
  if (record.phase === 'completed' || record.phase === 'rolled-back') return { kind: 'no-rollout', last: record.phase };
  return undefined;
}

/** decidePromote decides what a promote does, from the stages, the record (undefined: none) and the cluster. */
export function decidePromote(stages: Stage[], record: RecordedRollout | undefined, seen: Observation, request: PromoteRequest): PromoteDecision {
  const inactive = noRolloutInProgress(record, request);
  if (inactive || !record) return inactive ?? { kind: 'no-rollout' };
  if (record.phase === 'rolling-back') return { kind: 'rollback-interrupted' };
  let start = startingPoint(stages, record, seen);
  let driftIgnored: FieldDifference[] | undefined;
  if ('drift' in start) {
    if (!request.force) return { kind: 'drift', stage: record.stage, differences: start.drift };
    driftIgnored = start.drift ?? [];
    start = { at: record.stage, from: seen.values ?? stages[record.stage - 1]!.values };
  }
  const { at, resuming, recordReached = false } = start;
  // The interrupted run was taking the release to this stage: it is recorded, and a person judges
  // it before the next (or the promote asked for just this stage, a pipeline job run again).
  if (recordReached && (request.to === undefined || request.to === at)) return { kind: 'promote', from: at, recordReached, moves: [] };
  const target = request.to ?? resuming ?? at + 1;
  if (at === stages.length && request.to !== at) return { kind: 'complete', stage: at };
  if (request.to !== undefined && target === at && !resuming) return { kind: 'already-at', stage: at };
  const path = promotionPath(at, target, stages.length);
  if ('refused' in path) return { kind: 'refused', reason: path.refused };

  const moves: StageMove[] = [];
  let from = start.from;
  let routed = routedAtTakeover(record, []);
  for (const number of path.stages) {
    const stage = stages[number - 1]!;
    const steps = toSteps(from, planTransition(from, stage.values, { recentlyRouted: routed, allowRollingUnderTraffic: stagesRollUnderTraffic(stages) }));
    moves.push({ stage: number, from, steps });
    routed = routedAfterSteps(steps, routed);
    from = stage.values;
  }
  return { kind: 'promote', from: at, recordReached, driftIgnored, moves };
}

/** RollbackDecision is the applies that take the cluster back to stage 1, from wherever it is. */
export interface RollbackDecision {
  from: StageValues;
  steps: Step[];
  /** Fields changed outside helm-canary (the cluster matches no step of the rollout), which the rollback takes back. */
  changedByHand?: FieldDifference[];
}

/**
 * decideRollback plans the way back to stable from what the cluster runs (or the recorded stage's
 * values when it cannot be read). Nothing is known of a record that does not say what was
 * recently routed, so every Deployment counts as recently routed then.
 */
export function decideRollback(stages: Stage[], record: RecordedRollout, seen: Pick<Observation, 'values'>): RollbackDecision {
  const recorded = stages[record.stage - 1]!.values;
  const from = seen.values ?? recorded;
  const changedByHand = seen.values && identifyPosition(stages, seen.values, record.stage).kind === 'unknown' ? diffValues(recorded, seen.values) : undefined;
  // A plan whose last step stays below 100 % updates production under traffic, so from its later
  // stages both Deployments carry traffic and must change pods: they roll back the same way.
  const steps = toSteps(from, planRollbackFromValues(stages, from, routedAtTakeover(record, [...ROLES])));
  return { from, steps, changedByHand };
}

/**
 * stageShownBy is the last stage a cluster shows reached, for a record rebuilt from the cluster:
 * the stage it matches, the one before a stage it is promoting to, else stage 1.
 */
export function stageShownBy(stages: Stage[], observed: StageValues): number {
  const position = identifyPosition(stages, observed);
  return position.kind === 'stage' ? position.stage : position.kind === 'promoting' ? position.stage - 1 : 1;
}
