// Turns zod issues into one line each: `path: what is wrong (got value)`.
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

/**
 * blameFlags rewrites each problem about a field a flag set so that it names the flag:
 * `replicas: must be at least 1` under --replicas is `--replicas: must be at least 1`, and a
 * problem inside the field keeps its path in brackets (`--steps (plan.steps[1]): ...`).
 * `flagPaths` maps a field path to the flag that set it.
 */
export function blameFlags(problems: readonly string[], flagPaths: ReadonlyMap<string, string>): string[] {
  return problems.map((problem) => {
    const colon = problem.indexOf(': ');
    if (colon < 0 || problem.startsWith('--')) return problem;
    const path = problem.slice(0, colon);
    for (const [field, flag] of flagPaths) {
      if (path === field) return `${flag}${problem.slice(colon)}`;
      if (path.startsWith(`${field}.`) || path.startsWith(`${field}[`)) return `${flag} (${path})${problem.slice(colon)}`;
    }
    return problem;
  });
}
