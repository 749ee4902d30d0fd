// What the ReplicaSet and Job controllers do alike to the pods they own: create one from the
// owner's pod template (named as Kubernetes names them: the owner's name and five random
// characters) and delete one with the default DeleteOptions (its own grace period).
import { randomBytes } from 'node:crypto';
import { deletePod, podGracePeriodSeconds } from '../store/pod-deletion.js';
import { KINDS } from '../store/resources.js';
import type { KubeObject, ObjectStore } from '../store/types.js';
import { asJson, isNotFound, ownerReferenceTo, timestamp } from './objects.js';

const NAME_ALPHABET = 'bcdfghjklmnpqrstvwxz2456789';

function randomSuffix(): string {
  return [...randomBytes(5)].map((b) => NAME_ALPHABET[b % NAME_ALPHABET.length]).join('');
}

/** podFromTemplate is a new, scheduled, pending pod of `owner` (its controller) built from `template`. */
export function podFromTemplate(owner: KubeObject, template: Record<string, unknown>, nowMs: number): KubeObject {
  const meta = asJson(template.metadata);
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name: `${owner.metadata.name}-${randomSuffix()}`,
      namespace: owner.metadata.namespace,
      labels: { ...(asJson(meta.labels) as Record<string, string>) },
      ...(meta.annotations ? { annotations: { ...(asJson(meta.annotations) as Record<string, string>) } } : {}),
      ownerReferences: [ownerReferenceTo(owner)],
    },
    spec: structuredClone(asJson(template.spec)),
    status: { phase: 'Pending', qosClass: 'BestEffort', conditions: [{ type: 'PodScheduled', status: 'True', lastProbeTime: null, lastTransitionTime: timestamp(nowMs) }] },
  };
}

/** startPodDeletion deletes `pod` with its own grace period, as a controller does; a pod already gone is no error. */
export function startPodDeletion(store: ObjectStore, pod: KubeObject, nowMs: number): void {
  try {
    deletePod(store, KINDS.pod, pod, podGracePeriodSeconds(pod), nowMs);
  } catch (err) {
    if (!isNotFound(err)) throw err;
  }
}
