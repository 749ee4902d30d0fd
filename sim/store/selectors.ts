// Label and field selectors in the text form the API accepts in `labelSelector=` and
// `fieldSelector=`. Shared by the HTTP layer (LIST, watch) and in-process users of the store.
import type { KubeObject } from './types.js';

/** LabelRequirement is one comma-separated term of a label selector. */
export type LabelRequirement =
  | { op: 'eq' | 'neq'; key: string; value: string }
  | { op: 'in' | 'notin'; key: string; values: string[] }
  | { op: 'exists' | 'notexists'; key: string };

/** parseLabelSelector parses `a=b,c!=d,e in (x,y),f notin (z),g,!h`; throws on bad syntax. */
export function parseLabelSelector(text: string): LabelRequirement[] {
  const terms: string[] = [];
  let depth = 0;
  let current = '';
  // Commas inside `in (a,b)` do not separate terms.
  for (const ch of text) {
    if (ch === '(') depth++;
    if (ch === ')') depth--;
    if (ch === ',' && depth === 0) {
      terms.push(current);
      current = '';
    } else current += ch;
  }
  terms.push(current);
  const out: LabelRequirement[] = [];
  for (const raw of terms) {
    const term = raw.trim();
    if (term === '') continue;
    let m = /^([^\s!=()]+)\s+(in|notin)\s*\(([^)]*)\)$/.exec(term);
    if (m) {
      const values = m[3]!.split(',').map((v) => v.trim()).filter((v) => v !== '');
      out.push({ op: m[2] as 'in' | 'notin', key: m[1]!, values });
      continue;
    }
    m = /^([^\s!=()]+)\s*(==|=|!=)\s*([^\s!=()]*)$/.exec(term);
    if (m) {
      out.push({ op: m[2] === '!=' ? 'neq' : 'eq', key: m[1]!, value: m[3]! });
      continue;
    }
    m = /^(!?)\s*([^\s!=()]+)$/.exec(term);
    if (m) {
      out.push({ op: m[1] === '!' ? 'notexists' : 'exists', key: m[2]! });
      continue;
    }
    throw new Error(`unable to parse requirement: ${JSON.stringify(term)}`);
  }
  return out;
}

/** matchesLabels tells whether labels satisfy every requirement. */
export function matchesLabels(reqs: LabelRequirement[], labels: Record<string, string> | undefined): boolean {
  const l = labels ?? {};
  return reqs.every((r) => {
    const has = Object.prototype.hasOwnProperty.call(l, r.key);
    switch (r.op) {
      case 'eq':
        return has && l[r.key] === r.value;
      case 'neq':
        return !has || l[r.key] !== r.value;
      case 'in':
        return has && r.values.includes(l[r.key]!);
      case 'notin':
        return !has || !r.values.includes(l[r.key]!);
      case 'exists':
        return has;
      case 'notexists':
        return !has;
    }
  });
}

/** FieldRequirement is one term of a field selector (`metadata.name=x`, `status.phase!=y`). */
export interface FieldRequirement {
  field: string;
  negate: boolean;
  value: string;
}

/** parseFieldSelector parses `metadata.name=x,metadata.namespace!=y`. */
export function parseFieldSelector(text: string): FieldRequirement[] {
  const out: FieldRequirement[] = [];
  for (const raw of text.split(',')) {
    const term = raw.trim();
    if (term === '') continue;
    const m = /^([^\s!=]+)\s*(==|=|!=)\s*(.*)$/.exec(term);
    if (!m) throw new Error(`invalid field selector: ${JSON.stringify(term)}`);
    out.push({ field: m[1]!, negate: m[2] === '!=', value: m[3]!.trim() });
  }
  return out;
}

/** fieldValue reads a dotted path (`metadata.name`, `status.phase`) as the selector compares it. */
function fieldValue(obj: KubeObject, path: string): string {
  let cur: unknown = obj;
  for (const part of path.split('.')) {
    if (typeof cur !== 'object' || cur === null) return '';
    cur = (cur as Record<string, unknown>)[part];
  }
  return cur === undefined || cur === null ? '' : String(cur);
}

/** matchesFields tells whether obj satisfies every field requirement. */
export function matchesFields(reqs: FieldRequirement[], obj: KubeObject): boolean {
  return reqs.every((r) => (fieldValue(obj, r.field) === r.value) !== r.negate);
}
