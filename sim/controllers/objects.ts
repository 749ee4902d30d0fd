// Typed reads of the few object fields the controllers and the mesh look at. Objects come from
// the store as loose JSON (whatever a client sent); these helpers tolerate missing fields the
// way the real controllers' defaulting does, so one malformed object never crashes the loop.
import type { KubeObject, OwnerReference } from '../store/types.js';

/** Json is a loose JSON object. */
export type Json = Record<string, unknown>;

/** LabelSelector is metav1.LabelSelector. */
export interface LabelSelector {
  matchLabels?: Record<string, string>;
  matchExpressions?: { key: string; operator: string; values?: string[] }[];
}

/** asJson returns the value when it is a plain object, else an empty one. */
export function asJson(v: unknown): Json {
  return typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Json) : {};
}

/** asList returns the object elements of an array value, else an empty list. */
export function asList(v: unknown): Json[] {
  return Array.isArray(v) ? (v.filter((x) => typeof x === 'object' && x !== null) as Json[]) : [];
}

/** specOf is the object's spec (empty when absent). */
export function specOf(obj: KubeObject): Json {
  return asJson(obj.spec);
}

/** statusOf is the object's status (empty when absent). */
export function statusOf(obj: KubeObject): Json {
  return asJson(obj.status);
}

/** intOf reads a non-negative integer field, with a fallback when absent or malformed. */
export function intOf(v: unknown, fallback: number): number {
  return typeof v === 'number' && Number.isFinite(v) ? Math.max(0, Math.trunc(v)) : fallback;
}

/** selectorMatches tells whether labels satisfy a LabelSelector; an empty selector matches nothing, as for workloads. */
export function selectorMatches(selector: LabelSelector | undefined, labels: Record<string, string> | undefined): boolean {
  if (!selector) return false;
  const l = labels ?? {};
  const matchLabels = selector.matchLabels ?? {};
  const exprs = selector.matchExpressions ?? [];
  if (Object.keys(matchLabels).length === 0 && exprs.length === 0) return false;
  for (const [k, v] of Object.entries(matchLabels)) if (l[k] !== v) return false;
  for (const e of exprs) {
    const has = Object.prototype.hasOwnProperty.call(l, e.key);
    const values = e.values ?? [];
    switch (e.operator) {
      case 'In':
        if (!has || !values.includes(l[e.key]!)) return false;
        break;
      case 'NotIn':
        if (has && values.includes(l[e.key]!)) return false;
        break;
      case 'Exists':
        if (!has) return false;
        break;
      case 'DoesNotExist':
        if (has) return false;
        break;
      default:
        return false;
    }
  }
  return true;
}

/** labelsMatch tells whether every key/value of `wanted` is among `labels` (Service and subset selectors). */
export function labelsMatch(wanted: Record<string, string> | undefined, labels: Record<string, string> | undefined): boolean {
  const l = labels ?? {};
  return Object.entries(wanted ?? {}).every(([k, v]) => l[k] === v);
}

/** controllerOf returns the ownerReference marked controller=true, if any. */
export function controllerOf(obj: KubeObject): OwnerReference | undefined {
  return obj.metadata.ownerReferences?.find((r) => r.controller === true);
}

/** isOwnedBy tells whether obj's controller is the object with this uid. */
export function isOwnedBy(obj: KubeObject, uid: string | undefined): boolean {
  return uid !== undefined && controllerOf(obj)?.uid === uid;
}

/** ownerReferenceTo builds the controller reference a workload puts on what it creates. */
export function ownerReferenceTo(owner: KubeObject): OwnerReference {
  return {
    apiVersion: owner.apiVersion,
    kind: owner.kind,
    name: owner.metadata.name,
    uid: owner.metadata.uid ?? '',
    controller: true,
    blockOwnerDeletion: true,
  };
}

/** isTerminating tells whether a deletion has started (the pod is in its grace period). */
export function isTerminating(obj: KubeObject): boolean {
  return typeof obj.metadata.deletionTimestamp === 'string' && obj.metadata.deletionTimestamp !== '';
}

/** podIsReady tells whether the pod's Ready condition is True. */
export function podIsReady(pod: KubeObject): boolean {
  return asList(statusOf(pod).conditions).some((c) => c.type === 'Ready' && c.status === 'True');
}

/** podReadySince is when the pod's Ready condition last became True (ms), if it is True. */
export function podReadySince(pod: KubeObject): number | undefined {
  const c = asList(statusOf(pod).conditions).find((x) => x.type === 'Ready' && x.status === 'True');
  if (!c) return undefined;
  const t = typeof c.lastTransitionTime === 'string' ? Date.parse(c.lastTransitionTime) : NaN;
  return Number.isNaN(t) ? undefined : t;
}

/** containerImages lists the images of a pod spec's containers, in order. */
export function containerImages(podSpec: Json): string[] {
  return asList(podSpec.containers)
    .map((c) => c.image)
    .filter((i): i is string => typeof i === 'string');
}

/** imageTag is the tag of an image reference (`repo/x:84` -> `84`), `latest` when it has none. */
export function imageTag(image: string): string {
  const withoutDigest = image.split('@')[0] ?? image;
  const slash = withoutDigest.lastIndexOf('/');
  const colon = withoutDigest.lastIndexOf(':');
  return colon > slash ? withoutDigest.slice(colon + 1) : 'latest';
}

/** timestamp renders a time as Kubernetes does (RFC 3339, whole seconds). */
export function timestamp(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d+Z$/, 'Z');
}

/** isNotFound tells whether an error is the store's 404 (the object went away meanwhile). */
export function isNotFound(err: unknown): boolean {
  return typeof err === 'object' && err !== null && (err as { code?: unknown }).code === 404;
}
