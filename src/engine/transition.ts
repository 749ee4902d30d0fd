// The make-before-break ordering of helm applies between two states of a release.
//
// `helm upgrade --wait` applies every object first and waits afterwards, so one upgrade that both
// creates pods and routes traffic to them sends requests to pods that are not ready. And Envoy
// learns of weight changes and terminating pods only after a propagation delay, so pods must not
// be removed while (or just after) they receive traffic. planTransition therefore splits a move
// into up to three kinds of apply:
//   make  - pod changes that touch no traffic-carrying pod (new pods, scale-ups), weights unchanged;
//   shift - the new weights, once every deployment that will carry traffic has its final pods;
//   break - pod removals on deployments whose traffic has gone, after a drain delay.
// When a deployment must change its pods while it keeps traffic in the target (rollback from a
// state where production already runs the new tag), traffic detours through the other deployment.
import { ROLES, type Apply, type DeploymentRole, type DeploymentValues, type StageValues } from './types.js';

/** TransitionOptions tune planTransition. */
export interface TransitionOptions {
  /** Deployments that carried traffic just before `from` (their pods need a drain before removal). */
  recentlyRouted?: Iterable<DeploymentRole>;
  /** Allow a rolling update of a deployment while it carries traffic (plans whose last step < 100). */
  allowRollingUnderTraffic?: boolean;
}

/** EngineError reports a move the engine cannot make safely. */
export class EngineError extends Error {
  override name = 'EngineError';
}

const other = (role: DeploymentRole): DeploymentRole => (role === 'production' ? 'canary' : 'production');

/** samePods is true when two values run the same pods (weights aside). */
export function samePods(a: DeploymentValues, b: DeploymentValues): boolean {
  return a.repository === b.repository && a.tag === b.tag && a.replicas === b.replicas;
}

/** sameValues is true when two states are identical, weights included. */
export function sameValues(a: StageValues, b: StageValues): boolean {
  return ROLES.every((r) => samePods(a[r], b[r]) && a[r].weight === b[r].weight);
}

/** removesPods is true when going from a to b terminates running pods. */
export function removesPods(a: DeploymentValues, b: DeploymentValues): boolean {
  if (a.replicas === 0) return false;
  const sameTemplate = a.repository === b.repository && a.tag === b.tag;
  return !sameTemplate || b.replicas < a.replicas;
}

function clone(v: StageValues): StageValues {
  return { production: { ...v.production }, canary: { ...v.canary } };
}

function withPods(state: StageValues, role: DeploymentRole, pods: DeploymentValues): StageValues {
  const next = clone(state);
  next[role] = { ...pods, weight: state[role].weight };
  return next;
}

function withWeights(state: StageValues, weights: StageValues): StageValues {
  const next = clone(state);
  for (const r of ROLES) next[r].weight = weights[r].weight;
  return next;
}

/** describeChange names what an apply changes, for plan output and progress lines. */
export function describeChange(from: StageValues, to: StageValues): string {
  const parts: string[] = [];
  for (const r of ROLES) {
    const a = from[r];
    const b = to[r];
    const bits: string[] = [];
    if (a.repository !== b.repository) bits.push(`image ${a.repository} -> ${b.repository}`);
    if (a.tag !== b.tag) bits.push(`tag ${a.tag} -> ${b.tag}`);
    if (a.replicas !== b.replicas) bits.push(`replicas ${a.replicas} -> ${b.replicas}`);
    if (bits.length) parts.push(`${r} ${bits.join(', ')}`);
  }
  if (from.production.weight !== to.production.weight || from.canary.weight !== to.canary.weight) {
    parts.push(`traffic ${from.production.weight}/${from.canary.weight} -> ${to.production.weight}/${to.canary.weight}`);
  }
  return parts.length ? parts.join('; ') : 'no change';
}

/**
 * planTransition returns the applies that move a release from `from` to `to` without routing a
 * request to a pod that is not ready or is being removed. Empty when the two are the same.
 * Worked examples (seven-stage plan) are in test/engine/transition.test.ts.
 */
export function planTransition(from: StageValues, to: StageValues, options: TransitionOptions = {}): Apply[] {
  for (const r of ROLES) {
    if (to[r].weight > 0 && to[r].replicas === 0) {
      throw new EngineError(`${r} would receive ${to[r].weight} % of traffic with 0 replicas`);
    }
  }
  const routed = new Set<DeploymentRole>(options.recentlyRouted ?? []);
  for (const r of ROLES) if (from[r].weight > 0) routed.add(r);

  const applies: Apply[] = [];
  let current = clone(from);
  const push = (next: StageValues, drainBefore: boolean) => {
    if (sameValues(current, next)) return;
    applies.push({ values: next, purpose: describeChange(current, next), drainBefore });
    current = next;
  };

  // A deployment that must replace pods while it keeps traffic in the target: detour its traffic
  // through the other deployment, running the version the target routes to.
  const blocked = ROLES.filter(
    (r) => removesPods(from[r], to[r]) && from[r].weight > 0 && to[r].weight > 0,
  );
  if (blocked.length > 0 && !options.allowRollingUnderTraffic) {
    const role = blocked[0]!;
    const via = other(role);
    if (from[via].weight > 0) {
      throw new EngineError('both deployments carry traffic and must replace their pods: no safe order exists');
    }
    const stand: DeploymentValues = { ...to[role], replicas: Math.max(to[role].replicas, 1), weight: 0 };
    let next = withPods(current, via, stand);
    push(next, routed.has(via) && removesPods(current[via], stand));
    next = clone(current);
    next[via].weight = 100;
    next[role].weight = 0;
    push(next, false);
    return [...applies, ...planTransition(current, to, { ...options, recentlyRouted: [...routed] })];
  }

  // make: pod changes on deployments without traffic, and pure scale-ups.
  let make = clone(current);
  let makeDrains = false;
  const deferred: DeploymentRole[] = [];
  for (const r of ROLES) {
    if (samePods(current[r], to[r])) continue;
    const removing = removesPods(current[r], to[r]);
    if (current[r].weight === 0 || !removing || options.allowRollingUnderTraffic) {
      make = withPods(make, r, to[r]);
      if (removing && routed.has(r)) makeDrains = true;
    } else {
      deferred.push(r);
    }
  }
  // Pod changes that need a drain go in an apply of their own, after the ones that do not,
  // so new pods are not held back by a drain wait.
  if (makeDrains) {
    let early = clone(current);
    for (const r of ROLES) {
      if (!samePods(current[r], make[r]) && !(removesPods(current[r], make[r]) && routed.has(r))) {
        early = withPods(early, r, make[r]);
      }
    }
    push(early, false);
    push(make, true);
  } else {
    push(make, false);
  }
  // shift: the target weights.
  push(withWeights(current, to), false);
  // break: removals on deployments whose traffic has just gone.
  let brk = clone(current);
  for (const r of deferred) brk = withPods(brk, r, to[r]);
  push(brk, deferred.length > 0);
  return applies;
}
