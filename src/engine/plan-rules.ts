// Rules a plan must follow, checked before any stage is derived from it. Every problem is
// reported at once, each naming the field path (steps[1].weight), the rule and the bad value.
import type { Plan } from './types.js';

/** PlanProblem is one broken rule, with the path of the field that breaks it. */
export interface PlanProblem {
  path: string;
  message: string;
}

/** checkPlan lists every rule the plan breaks for a release with `replicas` production pods. */
export function checkPlan(plan: Plan, replicas: number): PlanProblem[] {
  const problems: PlanProblem[] = [];
  const add = (path: string, message: string) => problems.push({ path, message });
  if (plan.steps.length === 0) add('steps', 'must list at least one canary weight step');
  let previous = 0;
  plan.steps.forEach((step, i) => {
    const at = `steps[${i}]`;
    if (!validWeight(step.weight)) {
      add(at, `must be a whole number between 1 and 100 (got ${step.weight})`);
    } else if (step.weight <= previous) {
      add(at, `must be greater than the step before it (${previous}), got ${step.weight}`);
    }
    if (Number.isFinite(step.weight)) previous = Math.max(previous, step.weight);
    if (step.canaryReplicas !== undefined) {
      const count = canaryReplicaCount(step.canaryReplicas, replicas);
      if (count === undefined) {
        add(`${at}.canaryReplicas`, `must be a whole number >= 1 or a percentage such as "50%" (got ${JSON.stringify(step.canaryReplicas)})`);
      }
    }
  });
  const last = plan.steps.at(-1);
  if (plan.finalStepMustBe100 && last && validWeight(last.weight) && last.weight !== 100) {
    add(`steps[${plan.steps.length - 1}]`, `the last step must be 100 (got ${last.weight}); set finalStepMustBe100: false to allow it`);
  }
  // Canary pods that carry traffic must never be removed while they do: Envoy keeps routing to
  // them for a while after they start terminating (see DESIGN.md, safety facts).
  const counts = plan.steps.map((s) => canaryReplicaCount(s.canaryReplicas ?? replicas, replicas));
  counts.forEach((count, i) => {
    const before = i > 0 ? counts[i - 1] : undefined;
    if (count !== undefined && before !== undefined && count < before) {
      add(`steps[${i}].canaryReplicas`, `must not be fewer than the step before it (${before}) while the canary receives traffic (got ${count})`);
    }
  });
  if (!Number.isFinite(plan.drainSeconds) || plan.drainSeconds < 0) {
    add('drainSeconds', `must be 0 or more (got ${plan.drainSeconds})`);
  }
  if (!Number.isInteger(replicas) || replicas < 1) add('replicas', `must be a whole number >= 1 (got ${replicas})`);
  return problems;
}

/** PERCENT matches a percentage such as "50%" or "12.5%"; its group 1 is the number. */
export const PERCENT = /^(\d+(?:\.\d+)?)%$/;

const validWeight = (w: number) => Number.isInteger(w) && w >= 1 && w <= 100;

/**
 * canaryReplicaCount turns a step's canaryReplicas into a pod count, or undefined when invalid.
 * A percentage rounds up and never gives fewer than one pod: "10%" of 4 replicas is 1, "50%" of 3 is 2.
 */
export function canaryReplicaCount(value: number | string, productionReplicas: number): number | undefined {
  if (typeof value === 'number') return Number.isInteger(value) && value >= 1 ? value : undefined;
  const match = PERCENT.exec(value);
  if (!match) return undefined;
  const percent = Number(match[1]);
  if (percent <= 0 || percent > 100) return undefined;
  return Math.max(1, Math.ceil((productionReplicas * percent) / 100));
}
