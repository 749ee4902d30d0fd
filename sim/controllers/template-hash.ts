// The pod-template-hash a Deployment stamps on each ReplicaSet and its pods. Kubernetes hashes
// the template with FNV-32a and spells the number in an alphabet without vowels (so a hash never
// spells a word); the exact bytes hashed differ here, which no client depends on: they only
// compare the label with what the ReplicaSet carries.
import { isDeepStrictEqual } from 'node:util';
import { asJson } from './objects.js';
import type { Json } from './objects.js';

/** TEMPLATE_HASH_LABEL is the label that ties a ReplicaSet and its pods to one pod template. */
export const TEMPLATE_HASH_LABEL = 'pod-template-hash';

const SAFE_ALPHABET = 'bcdfghjklmnpqrstvwxz2456789';

// Sorted keys make the hash independent of the order a client happened to write fields in.
function canonical(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonical).join(',')}]`;
  if (typeof v === 'object' && v !== null) {
    const entries = Object.entries(v as Json)
      .filter(([, x]) => x !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, x]) => `${JSON.stringify(k)}:${canonical(x)}`).join(',')}}`;
  }
  return JSON.stringify(v);
}

function fnv32a(text: string): number {
  let h = 0x811c9dc5;
  for (const byte of Buffer.from(text, 'utf8')) {
    h ^= byte;
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h >>> 0;
}

/** withoutHashLabel returns a copy of a pod template without the pod-template-hash label. */
export function withoutHashLabel(template: unknown): Json {
  const copy = structuredClone(asJson(template));
  const meta = asJson(copy.metadata);
  const labels = asJson(meta.labels);
  if (TEMPLATE_HASH_LABEL in labels) {
    delete labels[TEMPLATE_HASH_LABEL];
    meta.labels = labels;
    copy.metadata = meta;
  }
  return copy;
}

/** templateHash computes the hash label value; `collisions` varies it when a name is taken. */
export function templateHash(template: unknown, collisions = 0): string {
  let n = fnv32a(canonical(withoutHashLabel(template)) + (collisions > 0 ? `#${collisions}` : ''));
  let out = '';
  do {
    out = SAFE_ALPHABET[n % SAFE_ALPHABET.length] + out;
    n = Math.floor(n / SAFE_ALPHABET.length);
  } while (n > 0);
  return out;
}

/** sameTemplate compares two pod templates ignoring the hash label, as the controller does. */
export function sameTemplate(a: unknown, b: unknown): boolean {
  return isDeepStrictEqual(normalise(withoutHashLabel(a)), normalise(withoutHashLabel(b)));
}

// Empty label/annotation maps and absent ones mean the same thing to the API.
function normalise(t: Json): Json {
  const meta = asJson(t.metadata);
  for (const k of ['labels', 'annotations']) {
    if (meta[k] !== undefined && Object.keys(asJson(meta[k])).length === 0) delete meta[k];
  }
  if (Object.keys(meta).length === 0) delete t.metadata;
  else t.metadata = meta;
  return t;
}
