// Which ReplicaSet of a Deployment runs its current pod template. A Deployment's status counts
// the pods of every ReplicaSet it owns: during a rolling update `readyReplicas` still counts the
// old version's pods while the new version's are Pending. Readiness of a version is read from
// the one ReplicaSet at the Deployment's current revision and image instead.
import type { V1Deployment, V1PodTemplateSpec, V1ReplicaSet } from '@kubernetes/client-node';

/** REVISION_ANNOTATION is where the Deployment controller numbers a Deployment's ReplicaSets. */
export const REVISION_ANNOTATION = 'deployment.kubernetes.io/revision';

/** replicaSetSelector is the label selector to list a Deployment's ReplicaSets with, if any. */
export function replicaSetSelector(dep: V1Deployment): string | undefined {
  const labels = Object.entries(dep.spec?.selector?.matchLabels ?? {});
  // matchExpressions are left out: the list only narrows, ownership decides.
  return labels.length ? labels.map(([k, v]) => `${k}=${v}`).join(',') : undefined;
}

const firstImage = (template: V1PodTemplateSpec | undefined) => template?.spec?.containers?.[0]?.image;

const revisionOf = (rs: V1ReplicaSet) => Number(rs.metadata?.annotations?.[REVISION_ANNOTATION] ?? 0) || 0;

/**
 * currentReplicaSet is the ReplicaSet the Deployment controls (controller ownerReference to its
 * uid) at the Deployment's revision and first container image, or undefined when there is none.
 * Kubernetes writes the revision annotation on the Deployment before it reports the generation
 * observed, so it is compared whenever the Deployment has it; a controller that does not write
 * it (the test simulator) leaves owner and image to decide, the highest revision first.
 */
export function currentReplicaSet(dep: V1Deployment, replicaSets: V1ReplicaSet[]): V1ReplicaSet | undefined {
  const uid = dep.metadata?.uid;
  if (!uid) return undefined;
  const revision = dep.metadata?.annotations?.[REVISION_ANNOTATION];
  const image = firstImage(dep.spec?.template);
  return replicaSets
    .filter((rs) => rs.metadata?.ownerReferences?.some((ref) => ref.controller === true && ref.uid === uid))
    .filter((rs) => revision === undefined || rs.metadata?.annotations?.[REVISION_ANNOTATION] === revision)
    .filter((rs) => firstImage(rs.spec?.template) === image)
    .sort((a, b) => revisionOf(b) - revisionOf(a))[0];
}
