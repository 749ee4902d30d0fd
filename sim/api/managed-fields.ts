// Field ownership (metadata.managedFields) in the FieldsV1 format: which manager set which
// field. Server-side apply uses it to remove fields an applier stopped sending and to detect
// conflicts with other writers (a person's `kubectl edit` between two helm 4 upgrades).
// Simplified from structured-merge-diff: lists are keyed by the strategic-merge keys of
// built-in kinds, every other list is atomic, and only leaves and list elements are owned.
import type { KubeObject } from '../store/types.js';

type JsonMap = Record<string, unknown>;
/** FieldTree is a FieldsV1 document: `f:<field>`, `k:<key json>` and `.` nodes. */
export type FieldTree = { [segment: string]: FieldTree };
/** FieldPath is one owned field, as FieldsV1 segments from the object root. */
export type FieldPath = string[];

/** ManagedFieldsEntry mirrors metav1.ManagedFieldsEntry. */
export interface ManagedFieldsEntry {
  manager: string;
  operation: 'Apply' | 'Update';
  apiVersion: string;
  /** Absent on writes through the scale subresource, as a real server records them. */
  time?: string;
  fieldsType: 'FieldsV1';
  fieldsV1: FieldTree;
  subresource?: string;
}

// Keyed lists (x-kubernetes-list-map-keys / patch merge keys) of the built-in kinds.
const LIST_KEYS: Record<string, string> = {
  containers: 'name',
  initContainers: 'name',
  env: 'name',
  volumes: 'name',
  volumeMounts: 'mountPath',
  imagePullSecrets: 'name',
  conditions: 'type',
};

function isMap(v: unknown): v is JsonMap {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** listKeyFor returns the field a list's elements are keyed by, or undefined for atomic lists. */
export function listKeyFor(field: string, items: unknown[], builtin: boolean): string | undefined {
  if (!builtin || !items.every(isMap)) return undefined;
  if (field === 'ports') {
    const sample = items[0] as JsonMap | undefined;
    if (sample && 'containerPort' in sample) return 'containerPort';
    return 'port';
  }
  return LIST_KEYS[field];
}

function elementSegment(key: string, item: JsonMap): string {
  return `k:${JSON.stringify({ [key]: item[key] })}`;
}

function treeOf(value: unknown, field: string, builtin: boolean): FieldTree {
  if (isMap(value)) {
    const out: FieldTree = {};
    for (const [k, v] of Object.entries(value)) out[`f:${k}`] = treeOf(v, k, builtin);
    return out;
  }
  if (Array.isArray(value)) {
    const key = listKeyFor(field, value, builtin);
    if (!key) return {};
    const out: FieldTree = {};
    for (const item of value as JsonMap[]) out[elementSegment(key, item)] = { '.': {}, ...treeOf(item, '', builtin) };
    return out;
  }
  return {};
}

/** fieldsOf computes the FieldTree an object's content covers (metadata labels/annotations, spec, data...). */
export function fieldsOf(obj: KubeObject, builtin: boolean): FieldTree {
  const out: FieldTree = {};
  for (const [k, v] of Object.entries(obj)) {
    if (k === 'apiVersion' || k === 'kind' || k === 'status') continue;
    if (k === 'metadata') {
      const meta: FieldTree = {};
      for (const m of ['labels', 'annotations'] as const) {
        if (isMap(obj.metadata[m])) meta[`f:${m}`] = treeOf(obj.metadata[m], m, builtin);
      }
      if (Object.keys(meta).length > 0) out['f:metadata'] = meta;
      continue;
    }
    out[`f:${k}`] = treeOf(v, k, builtin);
  }
  return out;
}

/** ownedPaths lists the leaves and list elements of a FieldTree. */
export function ownedPaths(tree: FieldTree, prefix: FieldPath = []): FieldPath[] {
  const out: FieldPath[] = [];
  for (const [segment, child] of Object.entries(tree)) {
    if (segment === '.') continue;
    const path = [...prefix, segment];
    const children = Object.keys(child).filter((s) => s !== '.');
    if ('.' in child || children.length === 0) out.push(path);
    if (children.length > 0) out.push(...ownedPaths(child, path));
  }
  return out;
}

/** treeFromPaths rebuilds a FieldTree from owned paths. */
export function treeFromPaths(paths: FieldPath[]): FieldTree {
  const root: FieldTree = {};
  for (const path of paths) {
    let node = root;
    for (const segment of path) node = node[segment] ??= {};
    if (path[path.length - 1]?.startsWith('k:')) node['.'] = {};
  }
  return root;
}

/** pathKey renders a path for set membership and messages. */
export function pathKey(path: FieldPath): string {
  return path.join('/');
}

interface Located {
  parent: JsonMap | unknown[];
  key: string | number;
  value: unknown;
}

/** locate finds the value a path points at in an object, with its parent for removal. */
export function locate(obj: unknown, path: FieldPath): Located | undefined {
  let parent: JsonMap | unknown[] | undefined;
  let key: string | number = '';
  let cur: unknown = obj;
  for (const segment of path) {
    if (segment.startsWith('f:')) {
      if (!isMap(cur)) return undefined;
      parent = cur;
      key = segment.slice(2);
      if (!(key in cur)) return undefined;
      cur = cur[key];
    } else if (segment.startsWith('k:')) {
      if (!Array.isArray(cur)) return undefined;
      const want = JSON.parse(segment.slice(2)) as JsonMap;
      const index = cur.findIndex((item) => isMap(item) && Object.entries(want).every(([k, v]) => item[k] === v));
      if (index < 0) return undefined;
      parent = cur;
      key = index;
      cur = cur[index];
    } else return undefined;
  }
  return parent === undefined ? undefined : { parent, key, value: cur };
}

/** removePath deletes the field or list element a path points at; absent paths are ignored. */
export function removePath(obj: unknown, path: FieldPath): void {
  const found = locate(obj, path);
  if (!found) return;
  if (Array.isArray(found.parent)) found.parent.splice(found.key as number, 1);
  else delete found.parent[found.key as string];
}

/** readableField renders a path as the apiserver's conflict messages do (`.spec.replicas`). */
export function readableField(path: FieldPath): string {
  return path
    .map((s) => (s.startsWith('f:') ? `.${s.slice(2)}` : `[${s.slice(2).replace(/^\{|\}$/g, '').replace(/"/g, '').replace(':', '=')}]`))
    .join('');
}

function now(): string {
  return new Date().toISOString().replace(/\.\d+Z$/, 'Z');
}

/**
 * recordUpdate gives `manager` (operation Update) ownership of every field a non-apply write
 * changed, takes those fields away from other managers, and forgets fields that no longer exist.
 */
export function recordUpdate(before: KubeObject | undefined, after: KubeObject, manager: string, apiVersion: string, builtin: boolean): void {
  const afterPaths = ownedPaths(fieldsOf(after, builtin));
  const changed = afterPaths.filter((p) => {
    if (!before) return true;
    const old = locate(before, p);
    const cur = locate(after, p);
    return !old || JSON.stringify(old.value) !== JSON.stringify(cur?.value);
  });
  const entries = ((before?.metadata.managedFields ?? []) as ManagedFieldsEntry[]).map((e) => structuredClone(e));
  const changedKeys = new Set(changed.map(pathKey));
  const next: ManagedFieldsEntry[] = [];
  let mine: ManagedFieldsEntry | undefined;
  for (const entry of entries) {
    const isMine = entry.manager === manager && entry.operation === 'Update' && !entry.subresource;
    const kept = ownedPaths(entry.fieldsV1).filter((p) => locate(after, p) && (isMine || !changedKeys.has(pathKey(p))));
    entry.fieldsV1 = treeFromPaths(kept);
    if (isMine) mine = entry;
    else if (kept.length > 0) next.push(entry);
  }
  if (changed.length > 0 || mine) {
    const paths = [...(mine ? ownedPaths(mine.fieldsV1) : []), ...changed];
    next.push({ manager, operation: 'Update', apiVersion, time: changed.length > 0 ? now() : mine!.time, fieldsType: 'FieldsV1', fieldsV1: treeFromPaths(paths) });
  }
  after.metadata.managedFields = next;
}

/** recordApply makes `manager`'s Apply entry exactly `applied` and drops those fields from other managers when forced. */
export function recordApply(after: KubeObject, previous: ManagedFieldsEntry[], manager: string, apiVersion: string, applied: FieldTree, takeOver: FieldPath[]): void {
  const takeKeys = new Set(takeOver.map(pathKey));
  const next: ManagedFieldsEntry[] = [];
  for (const entry of previous) {
    if (entry.manager === manager && entry.operation === 'Apply') continue;
    const kept = ownedPaths(entry.fieldsV1).filter((p) => locate(after, p) && !takeKeys.has(pathKey(p)));
    if (kept.length > 0) next.push({ ...entry, fieldsV1: treeFromPaths(kept) });
  }
  next.unshift({ manager, operation: 'Apply', apiVersion, time: now(), fieldsType: 'FieldsV1', fieldsV1: applied });
  after.metadata.managedFields = next;
}

/**
 * recordSubresourceUpdate gives `manager` the fields `paths` as an Update entry of `subresource`
 * (the HPA controller writing spec.replicas through `scale`), taking them from every other
 * manager, an Apply one too: a later apply of a different value conflicts with it.
 */
export function recordSubresourceUpdate(obj: KubeObject, manager: string, subresource: string, apiVersion: string, paths: FieldPath[]): void {
  const keys = new Set(paths.map(pathKey));
  const next: ManagedFieldsEntry[] = [];
  let mine: ManagedFieldsEntry | undefined;
  for (const entry of (obj.metadata.managedFields ?? []) as ManagedFieldsEntry[]) {
    if (entry.manager === manager && entry.operation === 'Update' && entry.subresource === subresource) {
      mine = entry;
      continue;
    }
    const kept = ownedPaths(entry.fieldsV1).filter((p) => !keys.has(pathKey(p)));
    if (kept.length > 0) next.push({ ...entry, fieldsV1: treeFromPaths(kept) });
  }
  const owned = [...(mine ? ownedPaths(mine.fieldsV1).filter((p) => !keys.has(pathKey(p))) : []), ...paths];
  // A real server records no time for writes through the scale subresource.
  const entry = { manager, operation: 'Update', apiVersion, fieldsType: 'FieldsV1', fieldsV1: treeFromPaths(owned), subresource } as ManagedFieldsEntry;
  if (subresource !== 'scale') entry.time = now();
  next.push(entry);
  obj.metadata.managedFields = next;
}
