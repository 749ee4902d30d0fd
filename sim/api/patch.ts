// The patch formats PATCH accepts: JSON merge patch (RFC 7386), JSON patch (RFC 6902) and
// Kubernetes strategic merge patch. Strategic merge is simplified to what helm and kubectl send:
// lists of objects merge by a per-field key (mostly `name`), other lists are replaced, and the
// `$patch`, `$setElementOrder/`, `$deleteFromPrimitiveList/` and `$retainKeys` directives apply.
import fastJsonPatch from 'fast-json-patch';
import type { Operation } from 'fast-json-patch';
import { ApiError } from './status.js';

type Json = unknown;
type JsonMap = Record<string, Json>;

function isMap(v: Json): v is JsonMap {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** mergePatch applies an RFC 7386 JSON merge patch and returns the result. */
export function mergePatch(target: Json, patch: Json): Json {
  if (!isMap(patch)) return structuredClone(patch);
  const out: JsonMap = isMap(target) ? { ...target } : {};
  for (const [key, value] of Object.entries(patch)) {
    if (value === null) delete out[key];
    else out[key] = mergePatch(out[key], value);
  }
  return out;
}

/** jsonPatch applies RFC 6902 operations; a failing operation (e.g. `test`) is a 422. */
export function jsonPatch(target: Json, ops: Json): Json {
  if (!Array.isArray(ops)) throw new ApiError(400, 'BadRequest', 'json patch must be an array of operations');
  try {
    return fastJsonPatch.applyPatch(structuredClone(target), ops as Operation[], true, false).newDocument;
  } catch (err) {
    throw new ApiError(422, 'Invalid', `the server rejected our request due to an error in our request: ${(err as Error).message}`);
  }
}

// Merge keys of the built-in kinds' lists (x-kubernetes-patch-merge-key), by field name.
// `ports` is keyed by containerPort in a pod spec and by port in a Service.
const MERGE_KEYS: Record<string, string> = {
  containers: 'name',
  initContainers: 'name',
  ephemeralContainers: 'name',
  env: 'name',
  volumes: 'name',
  imagePullSecrets: 'name',
  resourceClaims: 'name',
  volumeMounts: 'mountPath',
  volumeDevices: 'devicePath',
  hostAliases: 'ip',
  conditions: 'type',
  ownerReferences: 'uid',
  topologySpreadConstraints: 'topologyKey',
};

function mergeKeyFor(field: string, items: Json[]): string | undefined {
  if (field === 'ports') {
    const sample = items.find(isMap);
    if (sample && 'containerPort' in sample) return 'containerPort';
    if (sample && 'port' in sample) return 'port';
    return 'name';
  }
  return MERGE_KEYS[field];
}

/** strategicMergePatch applies a strategic merge patch to a built-in object. */
export function strategicMergePatch(target: Json, patch: Json): Json {
  return mergeMap(isMap(target) ? target : {}, isMap(patch) ? patch : {});
}

function mergeMap(original: JsonMap, patch: JsonMap): Json {
  const directive = patch.$patch;
  if (directive === 'delete') return undefined;
  if (directive === 'replace') {
    const { $patch: _, ...rest } = patch;
    return stripDirectives(rest);
  }
  let out: JsonMap = { ...original };
  const retain = patch.$retainKeys;
  if (Array.isArray(retain)) {
    out = Object.fromEntries(Object.entries(out).filter(([k]) => retain.includes(k)));
  }
  const orders: Record<string, Json[]> = {};
  for (const [key, value] of Object.entries(patch)) {
    if (key === '$patch' || key === '$retainKeys') continue;
    if (key.startsWith('$setElementOrder/')) {
      if (Array.isArray(value)) orders[key.slice('$setElementOrder/'.length)] = value;
      continue;
    }
    if (key.startsWith('$deleteFromPrimitiveList/')) {
      const field = key.slice('$deleteFromPrimitiveList/'.length);
      const current = out[field];
      if (Array.isArray(current) && Array.isArray(value)) out[field] = current.filter((v) => !value.includes(v));
      continue;
    }
    if (value === null) {
      delete out[key];
      continue;
    }
    const merged = mergeValue(key, out[key], value);
    if (merged === undefined) delete out[key];
    else out[key] = merged;
  }
  for (const [field, order] of Object.entries(orders)) {
    const current = out[field];
    if (Array.isArray(current)) out[field] = applyOrder(field, current, order);
  }
  return out;
}

function mergeValue(field: string, original: Json, patch: Json): Json {
  if (isMap(patch)) return mergeMap(isMap(original) ? original : {}, patch);
  if (Array.isArray(patch)) return mergeList(field, Array.isArray(original) ? original : [], patch);
  return patch;
}

function mergeList(field: string, original: Json[], patch: Json[]): Json[] {
  // A `{$patch: replace}` element replaces the whole list with the patch's other elements.
  if (patch.some((p) => isMap(p) && p.$patch === 'replace')) {
    return patch.filter((p) => !(isMap(p) && p.$patch === 'replace')).map(stripDirectives);
  }
  const key = mergeKeyFor(field, [...patch, ...original]);
  if (!key || !patch.every(isMap)) return patch.map(stripDirectives);
  const out: Json[] = original.map((o) => structuredClone(o));
  for (const item of patch as JsonMap[]) {
    const index = out.findIndex((o) => isMap(o) && o[key] === item[key]);
    if (item.$patch === 'delete') {
      if (index >= 0) out.splice(index, 1);
      continue;
    }
    if (index >= 0) out[index] = mergeMap(out[index] as JsonMap, item);
    else out.push(stripDirectives(item));
  }
  return out;
}

// `$setElementOrder/F` lists the patch author's intended order (by merge key, or by value for
// primitive lists): listed items come first in that order, the others keep their relative order.
function applyOrder(field: string, list: Json[], order: Json[]): Json[] {
  const key = mergeKeyFor(field, list);
  const idOf = (v: Json): Json => (key && isMap(v) ? v[key] : v);
  const wanted = order.map(idOf);
  const listed = wanted.flatMap((id) => list.filter((item) => isDeepEqualId(idOf(item), id)));
  const rest = list.filter((item) => !wanted.some((id) => isDeepEqualId(idOf(item), id)));
  return [...listed, ...rest];
}

function isDeepEqualId(a: Json, b: Json): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

function stripDirectives(value: Json): Json {
  if (Array.isArray(value)) return value.map(stripDirectives);
  if (!isMap(value)) return value;
  const out: JsonMap = {};
  for (const [k, v] of Object.entries(value)) {
    if (k.startsWith('$')) continue;
    if (v === null) continue;
    out[k] = stripDirectives(v);
  }
  return out;
}
