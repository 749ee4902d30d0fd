// Reads a plan: a name of a file in stages/, a path to a YAML file, or an inline plan object.
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parse } from 'yaml';
import type { Plan } from '../engine/index.js';
import { packageRoot } from './package-root.js';
import { planFile, type PlanFile } from './schema.js';
import { formatIssues } from '../text/zod-issues.js';
import { safeParse } from 'zod/mini';

/** DEFAULT_DRAIN_SECONDS lets Envoy proxies learn a weight change before pods go (Istio's own docs suggest seconds). */
export const DEFAULT_DRAIN_SECONDS = 10;

/** builtinPlans lists the plan names shipped in stages/. */
export function builtinPlans(): string[] {
  return readdirSync(join(packageRoot, 'stages'))
    .filter((f) => f.endsWith('.yaml'))
    .map((f) => f.slice(0, -'.yaml'.length))
    .sort();
}

/** PlanSource is where a plan was read from, for messages. */
export type PlanSource = { plan: PlanFile; origin: string } | { problems: string[] };

/** readPlanSource resolves a plan reference to its parsed (not yet rule-checked) contents. */
export function readPlanSource(ref: string | PlanFile, cwd: string, at = 'plan'): PlanSource {
  if (typeof ref !== 'string') {
    // canary.yaml's schema reports what is wrong with an inline plan; one it refused is not read on.
    const inline = safeParse(planFile, ref);
    return inline.success ? { plan: inline.data, origin: 'inline' } : { problems: [] };
  }
  const isPath = ref.includes('/') || ref.endsWith('.yaml') || ref.endsWith('.yml');
  const file = isPath ? resolve(cwd, ref) : join(packageRoot, 'stages', `${ref}.yaml`);
  if (!existsSync(file)) {
    const known = builtinPlans().join(', ');
    return { problems: [`${at}: no plan ${JSON.stringify(ref)} (${isPath ? `file ${file} does not exist` : `built-in plans: ${known}`})`] };
  }
  let raw: unknown;
  try {
    raw = parse(readFileSync(file, 'utf8'));
  } catch (err) {
    return { problems: [`${at}: ${file} is not valid YAML: ${(err as Error).message.split('\n')[0]}`] };
  }
  const parsed = safeParse(planFile, raw);
  if (!parsed.success) return { problems: formatIssues(parsed.error.issues, `${at} (${file})`, raw) };
  return { plan: parsed.data, origin: file };
}

/** toPlan turns a parsed plan file into the engine's Plan, filling defaults. */
export function toPlan(file: PlanFile, fallbackName: string, drainSeconds?: number): Plan {
  return {
    name: file.name ?? fallbackName,
    description: file.description,
    steps: file.steps.map((s) => (typeof s === 'number' ? { weight: s } : { weight: s.weight, canaryReplicas: s.canaryReplicas as Plan['steps'][number]['canaryReplicas'] })),
    finalStepMustBe100: file.finalStepMustBe100 ?? true,
    drainSeconds: drainSeconds ?? file.drainSeconds ?? DEFAULT_DRAIN_SECONDS,
  };
}
