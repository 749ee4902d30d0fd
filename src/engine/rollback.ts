// Rollback: from any stage (or any observed state) back to the stable values, in an order that
// never routes traffic to pods that are not ready or are being removed.
import { planTransition } from './transition.js';
import { ROLES, type Apply, type DeploymentRole, type Stage, type StageValues } from './types.js';

/** planRollbackFrom returns the applies that take stage `number` back to stage 1. */
export function planRollbackFrom(stages: Stage[], number: number): Apply[] {
  const from = stages[number - 1];
  if (!from) throw new RangeError(`no stage ${number} (the plan has ${stages.length})`);
  return planTransition(from.values, stages[0]!.values, { recentlyRouted: from.recentlyRouted });
}

/** planRollbackFromValues is the same for a state that matches no stage (an interrupted apply). */
export function planRollbackFromValues(observed: StageValues, stable: StageValues, recentlyRouted: readonly DeploymentRole[] = ROLES): Apply[] {
  return planTransition(observed, stable, { recentlyRouted });
}
