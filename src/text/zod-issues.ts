// Turns zod issues into one line each: `path: what is wrong (got value)`. Used for canary.yaml
// and for the rollout record read back from the cluster.
import type * as core from 'zod/v4/core';

function formatPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const key of path) out += typeof key === 'number' ? `[${key}]` : `${out ? '.' : ''}${String(key)}`;
  return out;
}

function got(input: unknown): string {
  if (input === undefined) return '';
  const text = JSON.stringify(input);
  return text === undefined ? '' : ` (got ${text.length > 60 ? `${text.slice(0, 57)}...` : text})`;
}

/** formatIssues renders every zod issue under `prefix` (a field path such as "plan"). */
export function formatIssues(issues: readonly core.$ZodIssue[], prefix = '', input?: unknown): string[] {
  return issues.map((issue) => {
    const inner = formatPath(issue.path);
    const path = !prefix ? inner : !inner ? prefix : inner.startsWith('[') ? prefix + inner : `${prefix}.${inner}`;
    if (issue.code === 'unrecognized_keys') return `${path || '(top level)'}: unknown field${issue.keys.length > 1 ? 's' : ''} ${issue.keys.join(', ')}`;
    // A missing value fails every branch of a union too (chart: a string or a map): it is missing, not of a wrong type.
    if ((issue.code === 'invalid_type' || issue.code === 'invalid_union') && valueAt(input, issue.path) === undefined) return `${path}: is required`;
    if (issue.code === 'invalid_union') return `${path}: ${unionMessage(issue)}${got(valueAt(input, issue.path))}`;
    return `${path}: ${lowerFirst(issue.message)}${got(valueAt(input, issue.path))}`;
  });
}

function unionMessage(issue: core.$ZodIssueInvalidUnion): string {
  // Prefer the message of a branch that got past the type check: it says what is really wrong.
  const specific = issue.errors.flat().find((e) => e.code !== 'invalid_type' && e.code !== 'unrecognized_keys');
  return specific ? lowerFirst(specific.message) : 'has the wrong type';
}

function lowerFirst(s: string): string {
  return s.charAt(0).toLowerCase() + s.slice(1);
}

function valueAt(input: unknown, path: readonly PropertyKey[]): unknown {
  let node = input;
  for (const key of path) {
    if (node === null || typeof node !== 'object') return undefined;
    node = (node as Record<PropertyKey, unknown>)[key];
  }
  return node;
}
