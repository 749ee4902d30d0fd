// What executing an apply takes, decided here so the runner restates no rule: which Deployments
// must have ready pods before helm runs (the traffic gate), which ones to wait for after it, and
// which Deployments count as recently routed once its weights reach the cluster (for the drain
// before their pods are removed).
import { samePods } from './transition.js';
import { ROLES, type Apply, type DeploymentRole, type StageValues } from './types.js';

/** Step is one apply with its gate, its wait and its effect on traffic. */
export interface Step extends Apply {
  /**
   * gate lists the Deployments this apply gives more traffic: their current pods must all be
   * ready at their image before helm runs, or no traffic moves.
   */
  gate: DeploymentRole[];
  /** waitFor lists the Deployments whose pods this apply changes (or that it gives traffic): helm is not asked to wait, the runner waits for these. */
  waitFor: DeploymentRole[];
  /** movesTraffic is true when this apply changes the weights. */
  movesTraffic: boolean;
  /** routedWhileApplying: what counts as recently routed from the moment helm starts until it is done (both sides of the move). */
  routedWhileApplying: DeploymentRole[];
  /** routedAfter: what counts as recently routed once the apply is done, when it moves traffic (the Deployments that carried traffic just before it). */
  routedAfter: DeploymentRole[];
}

function weightsDiffer(a: StageValues, b: StageValues): boolean {
  return ROLES.some((r) => a[r].weight !== b[r].weight);
}

/** toSteps annotates applies that start from `from` (undefined: a first install, which waits for everything). */
export function toSteps(from: StageValues | undefined, applies: Apply[]): Step[] {
  let before = from;
  return applies.map((apply) => {
    const previous = before;
    before = apply.values;
    if (!previous) return { ...apply, gate: [], waitFor: [...ROLES], movesTraffic: false, routedWhileApplying: [], routedAfter: [] };
    const gate = ROLES.filter((r) => apply.values[r].weight > previous[r].weight);
    const movesTraffic = weightsDiffer(previous, apply.values);
    return {
      ...apply,
      gate,
      waitFor: ROLES.filter((r) => !samePods(previous[r], apply.values[r]) || gate.includes(r)),
      movesTraffic,
      routedWhileApplying: ROLES.filter((r) => previous[r].weight > 0 || apply.values[r].weight > 0),
      routedAfter: ROLES.filter((r) => previous[r].weight > 0),
    };
  });
}

/** routedAfterSteps is the recently-routed set once `steps` are done, starting from `routed`. */
export function routedAfterSteps(steps: Step[], routed: DeploymentRole[]): DeploymentRole[] {
  return steps.reduce((acc, step) => (step.movesTraffic ? step.routedAfter : acc), routed);
}
