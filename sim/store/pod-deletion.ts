// Graceful deletion of pods, as the API server does it: a DELETE does not remove a running pod but
// stamps deletionTimestamp (now + grace period) and deletionGracePeriodSeconds; the kubelet removes
// it later. A grace period of 0 removes it at once. The grace period is the request's, else the
// pod's spec.terminationGracePeriodSeconds, else 30 s; a pod that has finished gets 0.
// Simplification: the simulator has no scheduler, so every pod counts as bound to a node (a real
// server also removes an unscheduled pod at once).
import type { KubeObject, ObjectStore, ResourceType } from './types.js';

/** DEFAULT_GRACE_PERIOD_SECONDS is the pod grace period Kubernetes defaults to. */
export const DEFAULT_GRACE_PERIOD_SECONDS = 30;

function wholeSeconds(v: unknown): number | undefined {
  return typeof v === 'number' && Number.isInteger(v) && v >= 0 ? v : undefined;
}

/** podGracePeriodSeconds resolves the grace period of a deletion of `pod`; `requested` comes from DeleteOptions. */
export function podGracePeriodSeconds(pod: KubeObject, requested?: number): number {
  const phase = (pod.status as { phase?: unknown } | undefined)?.phase;
  if (phase === 'Succeeded' || phase === 'Failed') return 0;
  const spec = (pod.spec ?? {}) as { terminationGracePeriodSeconds?: unknown };
  return wholeSeconds(requested) ?? wholeSeconds(spec.terminationGracePeriodSeconds) ?? DEFAULT_GRACE_PERIOD_SECONDS;
}

// The API server's timestamps have whole seconds.
function rfc3339(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d+Z$/, 'Z');
}

/**
 * deletePod deletes `pod` gracefully at time `nowMs` and returns the object as a DELETE answers it.
 * A pod already terminating keeps its deletion unless the new grace period ends it sooner.
 * `dryRun` computes the answer without writing.
 */
export function deletePod(store: ObjectStore, type: ResourceType, pod: KubeObject, grace: number, nowMs: number, dryRun = false): KubeObject {
  const meta = pod.metadata;
  const previousGrace = wholeSeconds(meta.deletionGracePeriodSeconds);
  if (meta.deletionTimestamp && previousGrace !== undefined && grace >= previousGrace) return pod;
  meta.deletionTimestamp = rfc3339(nowMs + grace * 1000);
  meta.deletionGracePeriodSeconds = grace;
  if (dryRun) return pod;
  if (grace === 0) {
    const removed = store.delete(type, meta.namespace, meta.name);
    return { ...removed, metadata: { ...removed.metadata, deletionTimestamp: meta.deletionTimestamp, deletionGracePeriodSeconds: 0 } };
  }
  return store.update(type, pod);
}
