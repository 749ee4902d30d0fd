// Server-side apply (`application/apply-patch+yaml`), the way helm 4 writes every object.
// The applied object is the manager's full intent: it is merged over the live object, fields
// the same manager applied last time but no longer sends are removed, and a field another
// manager owns with a different value is a 409 conflict unless `force=true`.
// Simplification: an Update entry of the applier's own manager name (helm 3's client-side
// writes under "helm") never conflicts, standing in for client-go's CSA-to-SSA upgrade.
import type { KubeObject } from '../store/types.js';
import { ApiError } from './status.js';
import { fieldsOf, listKeyFor, locate, ownedPaths, pathKey, readableField, recordApply, removePath } from './managed-fields.js';
import type { FieldPath, ManagedFieldsEntry } from './managed-fields.js';

type JsonMap = Record<string, unknown>;

function isMap(v: unknown): v is JsonMap {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** ApplyOptions carry the request's query parameters and the kind's traits. */
export interface ApplyOptions {
  manager: string;
  force: boolean;
  /** Built-in kinds merge keyed lists; custom resources (Istio) treat lists as atomic. */
  builtin: boolean;
  apiVersion: string;
}

function mergeApplied(live: unknown, applied: unknown, field: string, builtin: boolean): unknown {
  if (isMap(applied)) {
    const out: JsonMap = isMap(live) ? { ...live } : {};
    for (const [k, v] of Object.entries(applied)) {
      if (v === null) continue;
      out[k] = mergeApplied(out[k], v, k, builtin);
    }
    return out;
  }
  if (Array.isArray(applied)) {
    const key = listKeyFor(field, applied, builtin);
    if (!key || !Array.isArray(live)) return structuredClone(applied);
    const liveItems = live.filter(isMap);
    const merged = (applied as JsonMap[]).map((item) => mergeApplied(liveItems.find((l) => l[key] === item[key]), item, '', builtin));
    // Elements another manager added stay, after the applier's own, in their previous order.
    const others = liveItems.filter((l) => !(applied as JsonMap[]).some((a) => a[key] === l[key]));
    return [...merged, ...others];
  }
  return applied;
}

/**
 * serverSideApply computes the object after `manager` applies `applied` to `live` (undefined
 * when the object does not exist yet). Throws a 409 on conflicts when not forced.
 */
export function serverSideApply(live: KubeObject | undefined, applied: KubeObject, options: ApplyOptions): KubeObject {
  const { manager, force, builtin, apiVersion } = options;
  const appliedTree = fieldsOf(applied, builtin);
  const appliedPaths = ownedPaths(appliedTree);
  if (!live) {
    const created = structuredClone(applied);
    delete created.status;
    recordApply(created, [], manager, apiVersion, appliedTree, []);
    return created;
  }
  const previous = (live.metadata.managedFields ?? []) as ManagedFieldsEntry[];
  // A status writer never owns what an applier sends; a scale writer (an HPA) owns spec.replicas.
  const others = previous.filter((e) => e.manager !== manager && (!e.subresource || e.subresource === 'scale'));
  const ownersOf = (p: FieldPath) => others.filter((e) => ownedPaths(e.fieldsV1).some((q) => pathKey(q) === pathKey(p)));

  const conflicts: { message: string; field: string }[] = [];
  const takeOver: FieldPath[] = [];
  for (const p of appliedPaths) {
    const want = locate(applied, p);
    const have = locate(live, p);
    if (!have || p[p.length - 1]?.startsWith('k:')) continue;
    if (JSON.stringify(want?.value) === JSON.stringify(have.value)) continue;
    const owners = ownersOf(p);
    if (owners.length === 0) continue;
    if (force) takeOver.push(p);
    else {
      for (const o of owners) {
        const sub = o.subresource ? ` with subresource "${o.subresource}"` : '';
        conflicts.push({ message: `conflict with "${o.manager}"${sub}${o.operation === 'Update' ? ` using ${o.apiVersion}` : ''}`, field: readableField(p) });
      }
    }
  }
  if (conflicts.length > 0) {
    const noun = conflicts.length === 1 ? 'conflict' : 'conflicts';
    throw new ApiError(409, 'Conflict', `Apply failed with ${conflicts.length} ${noun}: ${conflicts.map((c) => `${c.message}: ${c.field}`).join('\n')}`, {
      causes: conflicts.map(({ message, field }) => ({ reason: 'FieldManagerConflict', message, field })),
    });
  }

  const result = structuredClone(live);
  const appliedKeys = new Set(appliedPaths.map(pathKey));
  const mine = previous.find((e) => e.manager === manager && e.operation === 'Apply' && !e.subresource);
  for (const p of mine ? ownedPaths(mine.fieldsV1) : []) {
    if (appliedKeys.has(pathKey(p)) || ownersOf(p).length > 0) continue;
    removePath(result, p);
  }
  const { status: _status, ...appliedBody } = applied;
  const merged = mergeApplied(result, appliedBody, '', builtin) as KubeObject;
  merged.status = live.status;
  if (merged.status === undefined) delete merged.status;
  // Server-owned metadata stays as stored; a resourceVersion in the applied object is a precondition.
  merged.metadata.uid = live.metadata.uid;
  merged.metadata.creationTimestamp = live.metadata.creationTimestamp;
  merged.metadata.resourceVersion = applied.metadata.resourceVersion ?? live.metadata.resourceVersion;
  recordApply(merged, previous, manager, apiVersion, appliedTree, takeOver);
  return merged;
}
