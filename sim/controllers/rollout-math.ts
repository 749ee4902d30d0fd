// The arithmetic of a Deployment rollout, as pure functions so the edge cases are table-tested
// (test/sim/rollout-math.test.ts). The rules follow the Kubernetes Deployment controller:
// surge rounds up, unavailability rounds down, and both zero would deadlock, so one pod may go.

/** IntOrPercent is a rollingUpdate field: a count, or a percentage of the desired replicas. */
export type IntOrPercent = number | string | undefined;

/**
 * scaledValue resolves an int-or-percent against `total`, rounding up or down.
 * Examples: ('25%', 4, up) -> 1; ('25%', 3, up) -> 1; ('25%', 3, down) -> 0; (2, 10, _) -> 2.
 */
export function scaledValue(value: IntOrPercent, total: number, roundUp: boolean, fallback: IntOrPercent = '25%'): number {
  const v = value ?? fallback;
  if (typeof v === 'number') return Math.max(0, Math.trunc(v));
  const m = /^(\d+)%$/.exec(String(v).trim());
  if (m) {
    const exact = (Number(m[1]) * total) / 100;
    return roundUp ? Math.ceil(exact) : Math.floor(exact);
  }
  // A bare number as a string ("1") is accepted by the API as an int.
  const n = Number(v);
  return Number.isFinite(n) ? Math.max(0, Math.trunc(n)) : scaledValue(fallback, total, roundUp, '25%');
}

/**
 * resolveFenceposts turns maxSurge/maxUnavailable into pod counts for `replicas`.
 * Examples: (4, '25%', '25%') -> {surge 1, unavailable 1}; (2, '25%', '25%') -> {1, 0};
 * (3, 0, 0) -> {0, 1} (both zero cannot make progress).
 */
export function resolveFenceposts(replicas: number, maxSurge: IntOrPercent, maxUnavailable: IntOrPercent): { surge: number; unavailable: number } {
  const surge = scaledValue(maxSurge, replicas, true);
  let unavailable = scaledValue(maxUnavailable, replicas, false);
  if (surge === 0 && unavailable === 0) unavailable = 1;
  return { surge, unavailable };
}

/** ReplicaCounts is what the rollout math needs to know about one ReplicaSet. */
export interface ReplicaCounts {
  /** spec.replicas: pods it is asked to run. */
  desired: number;
  /** status.availableReplicas: pods ready for at least minReadySeconds. */
  available: number;
}

/**
 * newReplicaSetTarget is the new ReplicaSet's size for the next step of a rolling update:
 * grow while every ReplicaSet together stays within replicas + surge, never past replicas.
 * Example: replicas 4, surge 1, old 4, new 0 -> 1; replicas 4, surge 1, old 3, new 1 -> 2.
 */
export function newReplicaSetTarget(replicas: number, surge: number, newRs: ReplicaCounts, old: ReplicaCounts[]): number {
  if (newRs.desired > replicas) return replicas;
  const current = newRs.desired + old.reduce((s, r) => s + r.desired, 0);
  const room = replicas + surge - current;
  if (room <= 0) return newRs.desired;
  return newRs.desired + Math.min(room, replicas - newRs.desired);
}

/**
 * oldReplicaSetTargets is the old ReplicaSets' sizes for the next step (same order as given,
 * oldest first). Pods that are not available go first, for free when they would not count
 * anyway; available ones only while at least replicas - unavailable stay available.
 * Examples (replicas 2, unavailable 0): new {2 desired, 1 available}, old [{1, 1}] -> [1]
 * (2 available, 2 needed: nothing may go yet); new {2, 2}, old [{1, 1}] -> [0];
 * new {1, 1}, old [{2, 0}] (old pods never became ready) -> [1].
 */
export function oldReplicaSetTargets(replicas: number, unavailable: number, newRs: ReplicaCounts, old: ReplicaCounts[]): number[] {
  const targets = old.map((r) => r.desired);
  const oldTotal = targets.reduce((s, n) => s + n, 0);
  if (oldTotal === 0) return targets;
  const all = oldTotal + newRs.desired;
  const minAvailable = replicas - unavailable;
  const newUnavailable = Math.max(0, newRs.desired - newRs.available);
  const maxScaledDown = all - minAvailable - newUnavailable;
  if (maxScaledDown <= 0) return targets;

  // Unhealthy old pods help nobody: remove them first, within what may go at all.
  let cleaned = 0;
  old.forEach((r, i) => {
    const unhealthy = Math.max(0, targets[i]! - r.available);
    const n = Math.min(unhealthy, maxScaledDown - cleaned);
    if (n <= 0) return;
    targets[i] = targets[i]! - n;
    cleaned += n;
  });

  // Then available ones, keeping minAvailable pods available across every ReplicaSet.
  const available = newRs.available + old.reduce((s, r, i) => s + Math.min(r.available, targets[i]!), 0);
  let budget = available - minAvailable;
  for (let i = 0; i < targets.length && budget > 0; i++) {
    const n = Math.min(targets[i]!, budget);
    targets[i] = targets[i]! - n;
    budget -= n;
  }
  return targets;
}
