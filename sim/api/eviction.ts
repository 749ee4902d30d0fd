// The Eviction API (POST pods/NAME/eviction, policy/v1 Eviction), what `kubectl drain` and node
// maintenance use: a pod is deleted only if the PodDisruptionBudget covering it allows one more
// disruption, else 429. The budget's numbers are the disruption controller's (its status), as on a
// real server, which also takes the disruption off disruptionsAllowed at once so two evictions
// cannot both spend the last one. Simplified: disruptedPods is not recorded, and an unready pod
// may be evicted whenever the budget is otherwise met (unhealthyPodEvictionPolicy IfHealthyBudget).
import { deletePod, podGracePeriodSeconds } from '../store/pod-deletion.js';
import { KINDS } from '../store/resources.js';
import type { KubeObject, ObjectStore } from '../store/types.js';
import { ApiError } from './status.js';

type JsonMap = Record<string, any>;

function matches(selector: JsonMap | undefined, labels: Record<string, string> | undefined): boolean {
  const l = labels ?? {};
  const matchLabels = (selector?.matchLabels ?? {}) as Record<string, string>;
  const exprs = (selector?.matchExpressions ?? []) as { key: string; operator: string; values?: string[] }[];
  for (const [k, v] of Object.entries(matchLabels)) if (l[k] !== v) return false;
  for (const e of exprs) {
    const has = Object.prototype.hasOwnProperty.call(l, e.key);
    const values = e.values ?? [];
    if (e.operator === 'In' && !(has && values.includes(l[e.key]!))) return false;
    if (e.operator === 'NotIn' && has && values.includes(l[e.key]!)) return false;
    if (e.operator === 'Exists' && !has) return false;
    if (e.operator === 'DoesNotExist' && has) return false;
  }
  return true;
}

function isReady(pod: KubeObject): boolean {
  return ((pod.status as JsonMap | undefined)?.conditions ?? []).some((c: JsonMap) => c.type === 'Ready' && c.status === 'True');
}

function tooManyRequests(message: string): ApiError {
  return new ApiError(429, 'TooManyRequests', "Cannot evict pod as it would violate the pod's disruption budget.", {
    causes: [{ reason: 'DisruptionBudget', message }],
  });
}

/**
 * evictPod answers an eviction of `pod`: deletes it gracefully (the Eviction's deleteOptions may
 * set the grace period) and returns the 201 Status, or throws the 429 / 500 a real server answers.
 */
export function evictPod(store: ObjectStore, pod: KubeObject, eviction: JsonMap, nowMs: number, dryRun: boolean): Record<string, unknown> {
  const success = { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Success', code: 201 };
  const grace = podGracePeriodSeconds(pod, eviction?.deleteOptions?.gracePeriodSeconds);
  const phase = (pod.status as JsonMap | undefined)?.phase;
  // A finished or already terminating pod disrupts nothing: it goes without asking any budget.
  if (phase === 'Succeeded' || phase === 'Failed' || pod.metadata.deletionTimestamp) {
    deletePod(store, KINDS.pod, pod, grace, nowMs, dryRun);
    return success;
  }
  const budgets = store.list(KINDS.podDisruptionBudget, pod.metadata.namespace).filter((pdb) => {
    const selector = (pdb.spec as JsonMap | undefined)?.selector as JsonMap | undefined;
    return matches(selector, pod.metadata.labels);
  });
  if (budgets.length > 1) {
    throw new ApiError(500, 'InternalError', 'This pod has more than one PodDisruptionBudget, which the eviction subresource does not support.');
  }
  const pdb = budgets[0];
  if (pdb) {
    const status = (pdb.status ?? {}) as JsonMap;
    if ((status.observedGeneration ?? 0) < (pdb.metadata.generation ?? 1)) {
      throw tooManyRequests(`The disruption budget ${pdb.metadata.name} is still being processed by the server.`);
    }
    const allowed = Number(status.disruptionsAllowed ?? 0);
    const healthyEnough = Number(status.currentHealthy ?? 0) >= Number(status.desiredHealthy ?? 0);
    if (!(isReady(pod) ? allowed > 0 : healthyEnough)) {
      throw tooManyRequests(`The disruption budget ${pdb.metadata.name} needs ${status.desiredHealthy ?? 0} healthy pods and has ${status.currentHealthy ?? 0} currently`);
    }
    if (isReady(pod) && !dryRun) {
      pdb.status = { ...status, disruptionsAllowed: allowed - 1 };
      store.update(KINDS.podDisruptionBudget, pdb, { subresource: 'status' });
    }
  }
  deletePod(store, KINDS.pod, pod, grace, nowMs, dryRun);
  return success;
}
