// Verification after every apply: the cluster must run what the apply asked for, route exactly
// the asked weights, and have every pod ready on the Deployments whose readiness is in question.
// Pure: compares a LiveState with stage values.
import { ROLES, type DeploymentRole, type StageValues } from '../engine/index.js';
import type { LiveState, ReleaseObjects } from './ports.js';

/** VerifyOptions narrow what is checked. */
export interface VerifyOptions {
  /**
   * readiness lists the Deployments whose pods must be ready (default: both). An apply checks
   * only the ones it changed or gives traffic to: a step of a rollback must not wait on a
   * crash-looping Deployment it does not touch.
   */
  readiness?: readonly DeploymentRole[];
  /** traffic: whether the routing is checked too (default true; overlay mode's adoption routes without subsets). */
  traffic?: boolean;
}

/** verifyLive lists every way `live` differs from `expected`; empty when the stage is in place. */
export function verifyLive(live: LiveState, expected: StageValues, objects: ReleaseObjects, options: VerifyOptions = {}): string[] {
  const problems: string[] = [];
  const readiness = options.readiness ?? ROLES;
  for (const role of ROLES) {
    const want = expected[role];
    const got = live[role];
    const name = objects[role];
    if (!got) {
      problems.push(`${role} Deployment ${name} not found`);
      continue;
    }
    const image = `${want.repository}:${want.tag}`;
    if (got.image !== image) problems.push(`${role} Deployment ${name} runs ${got.image}, expected ${image}`);
    // An HPA's count is production's own: not compared, but all of its pods must be ready.
    const autoscaled = role === 'production' && objects.autoscaled === true;
    const replicas = autoscaled ? got.desired : want.replicas;
    if (!autoscaled && got.desired !== want.replicas) problems.push(`${role} Deployment ${name} wants ${got.desired} replicas, expected ${want.replicas}`);
    if (!readiness.includes(role)) continue;
    if (got.ready < replicas) problems.push(`${role} Deployment ${name} has ${got.ready}/${replicas} ready replicas at ${image}`);
    else if (!got.settled) problems.push(`${role} Deployment ${name} is still rolling out`);
  }
  if (options.traffic === false) return problems;
  const traffic = live.traffic;
  if (!traffic) problems.push(`VirtualService ${objects.virtualService} not found`);
  else {
    for (const role of ROLES) {
      const subset = objects.subsets[role];
      const weight = traffic.weights[subset] ?? 0;
      if (weight !== expected[role].weight) problems.push(`VirtualService ${traffic.virtualService} routes ${weight} % to ${subset}, expected ${expected[role].weight} %`);
    }
    if (objects.destinationRule !== undefined) {
      for (const role of ROLES) {
        if (!traffic.subsets.includes(objects.subsets[role])) problems.push(`DestinationRule ${objects.destinationRule} has no subset ${objects.subsets[role]}`);
      }
    }
  }
  return problems;
}
