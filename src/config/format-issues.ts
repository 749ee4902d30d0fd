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
    if (issue.code === 'invalid_type' && valueAt(input, issue.path) === undefined) return `${path}: is required`;
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

// The flag a problem is about: its own `--flag: ...`, or the flag that set the field it names
// (`replicas: ...` under --replicas, `plan.steps[1]: ...` under --steps). `flagPaths` maps a field
// path to its flag.
function flagOf(problem: string, flagPaths: ReadonlyMap<string, string>): string | undefined {
  const own = /^(--[a-z][a-z-]*)/.exec(problem)?.[1];
  if (own) return own;
  const colon = problem.indexOf(': ');
  if (colon < 0) return undefined;
  const path = problem.slice(0, colon);
  for (const [field, flag] of flagPaths) {
    if (path === field || path.startsWith(`${field}.`) || path.startsWith(`${field}[`)) return flag;
  }
  return undefined;
}

/**
 * invalidInputTitle is the title of an input error: "invalid flag --x" when only flags are at
 * fault, "invalid configuration in FILE" when only the configuration is, and both named otherwise.
 */
export function invalidInputTitle(problems: readonly string[], flagPaths: ReadonlyMap<string, string>, source: string | undefined): string {
  const blamed = problems.map((p) => flagOf(p, flagPaths));
  const flags = [...new Set(blamed.filter((f): f is string => f !== undefined))].sort();
  const configuration = `configuration${source ? ` in ${source}` : ''}`;
  if (!flags.length) return `invalid ${configuration}`;
  const named = `flag${flags.length > 1 ? 's' : ''} ${flags.join(', ')}`;
  if (blamed.every((f) => f !== undefined)) return `invalid ${named}`;
  return `invalid input: ${named}, and the ${configuration}`;
}
