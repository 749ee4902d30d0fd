// Reading Kubernetes objects out of parsed documents: kinds, names, annotations, the pod labels a
// workload creates, and label selectors. Plain values only; nothing here edits a document.
import { GENERATED_ANNOTATION } from './overlay-input.js';

/** HOOK_ANNOTATION marks a helm hook; helm 4 passes hooks to post-renderers, helm 3 does not. */
export const HOOK_ANNOTATION = 'helm.sh/hook';

/** Labels is a label map as written in a manifest. */
export type Labels = Record<string, string>;

/** KubeObject is the part of any object the overlay reads. */
export interface KubeObject {
  apiVersion?: unknown;
  kind?: unknown;
  metadata?: { name?: unknown; namespace?: unknown; labels?: unknown; annotations?: unknown };
  spec?: unknown;
}

/** asObject returns a document's value as an object, or undefined for anything else (empty, list, scalar). */
export function asObject(value: unknown): KubeObject | undefined {
  return isRecord(value) ? (value as KubeObject) : undefined;
}

/** isRecord tells a mapping from a scalar, sequence or null. */
export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** nameOf is metadata.name as a string ('' when absent). */
export function nameOf(object: KubeObject): string {
  const name = object.metadata?.name;
  return typeof name === 'string' ? name : name === undefined || name === null ? '' : String(name);
}

/** kindOf is the object's kind ('' when absent). */
export function kindOf(object: KubeObject): string {
  return typeof object.kind === 'string' ? object.kind : '';
}

/** apiGroupOf is the group of apiVersion ('' for the core group). */
export function apiGroupOf(object: KubeObject): string {
  const apiVersion = typeof object.apiVersion === 'string' ? object.apiVersion : '';
  const slash = apiVersion.indexOf('/');
  return slash < 0 ? '' : apiVersion.slice(0, slash);
}

/** annotationsOf is metadata.annotations, values as strings. */
export function annotationsOf(object: KubeObject): Labels {
  return stringMap(object.metadata?.annotations);
}

/** labelsOf is metadata.labels, values as strings. */
export function labelsOf(object: KubeObject): Labels {
  return stringMap(object.metadata?.labels);
}

/** isHook tells a helm hook, which the overlay never touches nor chooses. */
export function isHook(object: KubeObject): boolean {
  return HOOK_ANNOTATION in annotationsOf(object);
}

/** isGenerated tells an object a previous run of the overlay added (it is dropped and regenerated). */
export function isGenerated(object: KubeObject): boolean {
  return annotationsOf(object)[GENERATED_ANNOTATION] === 'true';
}

/** isDeployment tells an apps/v1 Deployment (the only kind the overlay canaries). */
export function isDeployment(object: KubeObject): boolean {
  return object.apiVersion === 'apps/v1' && object.kind === 'Deployment';
}

/** isService tells a core v1 Service. */
export function isService(object: KubeObject): boolean {
  return object.apiVersion === 'v1' && object.kind === 'Service';
}

/** stringMap reads a label or annotation map; a value that is not a string is written as text. */
export function stringMap(value: unknown): Labels {
  if (!isRecord(value)) return {};
  const out: Labels = {};
  for (const [key, v] of Object.entries(value)) out[key] = typeof v === 'string' ? v : String(v);
  return out;
}

/** get reads a nested field (undefined when any step is missing). */
export function get(value: unknown, path: readonly (string | number)[]): unknown {
  let at: unknown = value;
  for (const step of path) {
    if (typeof step === 'number') {
      if (!Array.isArray(at)) return undefined;
      at = at[step];
    } else {
      if (!isRecord(at)) return undefined;
      at = at[step];
    }
  }
  return at;
}

/** WORKLOAD_TEMPLATE_PATHS says where each kind that makes pods keeps its pods' labels. */
const WORKLOAD_TEMPLATE_PATHS: Record<string, readonly string[]> = {
  Deployment: ['spec', 'template', 'metadata', 'labels'],
  StatefulSet: ['spec', 'template', 'metadata', 'labels'],
  DaemonSet: ['spec', 'template', 'metadata', 'labels'],
  ReplicaSet: ['spec', 'template', 'metadata', 'labels'],
  ReplicationController: ['spec', 'template', 'metadata', 'labels'],
  Job: ['spec', 'template', 'metadata', 'labels'],
  CronJob: ['spec', 'jobTemplate', 'spec', 'template', 'metadata', 'labels'],
  Pod: ['metadata', 'labels'],
};

/** podLabelsOf is the labels of the pods a workload makes, or undefined when it makes none. */
export function podLabelsOf(object: KubeObject): Labels | undefined {
  const path = WORKLOAD_TEMPLATE_PATHS[kindOf(object)];
  return path === undefined ? undefined : stringMap(get(object, path));
}

/** LabelSelector is a Kubernetes label selector (matchLabels and matchExpressions). */
export interface LabelSelector {
  matchLabels: Labels;
  matchExpressions: { key: string; operator: string; values: string[] }[];
}

/** readLabelSelector reads a selector field (a PDB's, a Deployment's). */
export function readLabelSelector(value: unknown): LabelSelector {
  const expressions = get(value, ['matchExpressions']);
  return {
    matchLabels: stringMap(get(value, ['matchLabels'])),
    matchExpressions: Array.isArray(expressions)
      ? expressions.filter(isRecord).map((e) => ({
          key: String(e.key ?? ''),
          operator: String(e.operator ?? ''),
          values: Array.isArray(e.values) ? e.values.map(String) : [],
        }))
      : [],
  };
}

/** selectorMatches tells whether a label selector selects pods with `labels` (an empty selector selects all). */
export function selectorMatches(selector: LabelSelector, labels: Labels): boolean {
  if (!labelsMatch(selector.matchLabels, labels)) return false;
  return selector.matchExpressions.every((e) => {
    const has = Object.hasOwn(labels, e.key);
    switch (e.operator) {
      case 'In':
        return has && e.values.includes(labels[e.key] as string);
      case 'NotIn':
        return !has || !e.values.includes(labels[e.key] as string);
      case 'Exists':
        return has;
      case 'DoesNotExist':
        return !has;
      default:
        return false;
    }
  });
}

/** labelsMatch tells whether every pair of `selector` is in `labels` (a Service's selector, a subset's labels). */
export function labelsMatch(selector: Labels, labels: Labels): boolean {
  return Object.entries(selector).every(([key, value]) => Object.hasOwn(labels, key) && labels[key] === value);
}

/** without is `labels` less one key. */
export function without(labels: Labels, key: string): Labels {
  const out: Labels = {};
  for (const [k, v] of Object.entries(labels)) if (k !== key) out[k] = v;
  return out;
}
