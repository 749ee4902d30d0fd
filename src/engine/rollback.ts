// Rollback: from any stage (or any observed state) back to the stable values, in an order that
// never routes traffic to pods that are not ready or are being removed.
import { stagesRollUnderTraffic } from './stages.js';
import { planTransition } from './transition.js';
import type { Apply, DeploymentRole, Stage, StageValues } from './types.js';

/** planRollbackFrom returns the applies that take stage `number` back to stage 1, as a rollback from there runs them. */
export function planRollbackFrom(stages: Stage[], number: number): Apply[] {
  const from = stages[number - 1];
  if (!from) throw new RangeError(`no stage ${number} (the plan has ${stages.length})`);
  return planRollbackFromValues(stages, from.values, from.recentlyRouted);
}

/**
 * planRollbackFromValues is the same from any values (an interrupted apply, a hand edit). A plan
 * whose last step stays below 100 % updates production under traffic, so from its later stages
 * both Deployments carry traffic and must change pods: they roll back the same way.
 */
export function planRollbackFromValues(stages: Stage[], observed: StageValues, recentlyRouted: DeploymentRole[]): Apply[] {
  return planTransition(observed, stages[0]!.values, { recentlyRouted, allowRollingUnderTraffic: stagesRollUnderTraffic(stages) });
}
