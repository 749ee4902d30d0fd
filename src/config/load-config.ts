// Loads canary.yaml (or -f FILE), lays the flags that stand in for its fields over it, validates
// everything and throws one InvalidInputError listing every problem by flag or path. Nothing is
// run before this succeeds. It returns the release spec and the plan, and what the file says about
// where to act; a command's own inputs (--tag, --new-tag, --to) are its own (commands/actions), and
// where a cluster command acts is resolveTarget's choice (resolve-target.ts).
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parse } from 'yaml';
import { checkPlan, type Plan, type ReleaseSpec, type ValuePaths } from '../engine/index.js';
import { ConfigError, InvalidInputError } from './config-error.js';
import { configFile, releaseTarget, type ConfigFile } from './schema.js';
import { blameFlags } from './blame-flags.js';
import { formatIssues } from '../text/zod-issues.js';
import type { ConfigTarget } from './resolve-target.js';
import { safeParse } from 'zod/mini';
import { readPlanSource, toPlan } from './load-plan.js';
import { modeValuePaths } from './value-paths.js';
import { checkFiles, safeChartRef } from './config-files.js';

/** DEFAULT_CONFIG_FILE is read from the working directory when no -f is given. */
export const DEFAULT_CONFIG_FILE = 'canary.yaml';

/** ConfigFlags are the command-line options that stand in for fields of canary.yaml; flags win. */
export interface ConfigFlags {
  file?: string;
  release?: string;
  namespace?: string;
  chart?: string;
  repository?: string;
  replicas?: string;
  steps?: string;
  plan?: string;
  values?: string[];
  timeout?: string;
  drainSeconds?: string;
  /** deploy's --create-namespace: helm.createNamespace. */
  createNamespace?: boolean;
}

/** Config is a validated configuration: the release spec (without tags) and the plan. */
export interface Config {
  /** Its namespace is --namespace, else the file's, else "default"; a cluster command's is resolveTarget's. */
  spec: Omit<ReleaseSpec, 'stableTag' | 'newTag'>;
  plan: Plan;
  /** image.stableTag: the stable tag of `plan` and `lint` when --stable-tag is not given. */
  stableTag?: string;
  /** What the file says about where to act (namespace, context, kubeconfig, helm binary). */
  target: ConfigTarget;
  /** The config file read, if any. */
  source?: string;
}

/** ReleaseTarget is the part of a config that names a deployed release and how to reach it. */
export interface ReleaseTarget {
  release: string;
  /** --namespace, else the file's namespace, if either names one. */
  namespace?: string;
  valuePaths: ValuePaths;
  helm: ReleaseSpec['helm'];
  target: ConfigTarget;
  source?: string;
}

function readConfigFile(path: string): { raw: Record<string, unknown>; problems: string[] } {
  let raw: unknown;
  try {
    raw = parse(readFileSync(path, 'utf8'));
  } catch (err) {
    return { raw: {}, problems: [`${path}: not valid YAML: ${(err as Error).message.split('\n')[0]}`] };
  }
  if (raw === null || raw === undefined) return { raw: {}, problems: [] };
  if (typeof raw !== 'object' || Array.isArray(raw)) return { raw: {}, problems: [`${path}: must be a YAML map of settings`] };
  return { raw: raw as Record<string, unknown>, problems: [] };
}

function numberFlag(value: string | undefined, name: string, problems: string[]): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (value.trim() === '' || !Number.isFinite(n)) {
    problems.push(`--${name}: must be a number (got ${JSON.stringify(value)})`);
    return undefined;
  }
  return n;
}

// Lays flags over the file's raw map, so that one schema validates the result.
function overlayFlags(raw: Record<string, unknown>, flags: ConfigFlags, problems: string[]): Record<string, unknown> {
  const out: Record<string, unknown> = { ...raw };
  const image = { ...((raw.image as Record<string, unknown> | undefined) ?? {}) };
  const helm = { ...((raw.helm as Record<string, unknown> | undefined) ?? {}) };
  if (flags.release !== undefined) out.release = flags.release;
  if (flags.namespace !== undefined) out.namespace = flags.namespace;
  if (flags.chart !== undefined) out.chart = flags.chart;
  if (flags.repository !== undefined) image.repository = flags.repository;
  if (flags.values?.length) out.valuesFiles = flags.values;
  const replicas = numberFlag(flags.replicas, 'replicas', problems);
  if (replicas !== undefined) out.replicas = replicas;
  const drain = numberFlag(flags.drainSeconds, 'drain-seconds', problems);
  if (drain !== undefined) out.drainSeconds = drain;
  if (flags.plan !== undefined) out.plan = flags.plan;
  if (flags.steps !== undefined) {
    const steps = flags.steps.split(',').map((s) => Number(s.trim()));
    if (steps.some((s) => !Number.isFinite(s))) problems.push(`--steps: must be comma-separated numbers such as 10,90,100 (got ${JSON.stringify(flags.steps)})`);
    else out.plan = { name: 'custom', steps };
  }
  if (flags.timeout !== undefined) helm.timeout = flags.timeout;
  if (flags.createNamespace !== undefined) helm.createNamespace = flags.createNamespace;
  if (Object.keys(image).length) out.image = image;
  if (Object.keys(helm).length) out.helm = helm;
  return out;
}

// The config field each flag sets: a problem there is the flag's, and names it.
const FLAG_FIELDS: readonly (readonly [keyof ConfigFlags, string, string])[] = [
  ['release', 'release', '--release'],
  ['namespace', 'namespace', '--namespace'],
  ['chart', 'chart', '--chart'],
  ['repository', 'image.repository', '--repository'],
  ['values', 'valuesFiles', '--values'],
  ['replicas', 'replicas', '--replicas'],
  ['drainSeconds', 'drainSeconds', '--drain-seconds'],
  ['steps', 'plan', '--steps'],
  ['plan', 'plan', '--plan'],
  ['timeout', 'helm.timeout', '--timeout'],
  ['createNamespace', 'helm.createNamespace', '--create-namespace'],
];

// The InvalidInputError of `problems`, each naming the flag that set its field, if one did.
function invalidInput(problems: string[], flags: ConfigFlags, source: string | undefined): InvalidInputError {
  const flagPaths = new Map<string, string>();
  for (const [key, field, flag] of FLAG_FIELDS) {
    const value = flags[key];
    // --steps wins over --plan (overlayFlags), and an empty --values sets nothing.
    if (value === undefined || (Array.isArray(value) && !value.length) || flagPaths.has(field)) continue;
    flagPaths.set(field, flag);
  }
  return new InvalidInputError(blameFlags(problems, flagPaths), source);
}

interface Merged {
  /** The file's settings with the flags laid over them. */
  merged: Record<string, unknown>;
  /** The file's own settings. */
  raw: Record<string, unknown>;
  source?: string;
  baseDir: string;
  problems: string[];
}

// Reads the config file (-f, else ./canary.yaml when present) and lays the flags over it. A file
// that is not a YAML map is one problem, not also every field an empty file lacks.
function readMerged(flags: ConfigFlags, cwd: string): Merged {
  const problems: string[] = [];
  let raw: Record<string, unknown> = {};
  let source: string | undefined;
  const file = flags.file ?? (existsSync(resolve(cwd, DEFAULT_CONFIG_FILE)) ? DEFAULT_CONFIG_FILE : undefined);
  if (file) {
    source = resolve(cwd, file);
    if (!existsSync(source)) throw new ConfigError(`config file ${source} does not exist`);
    const read = readConfigFile(source);
    if (read.problems.length) throw invalidInput(read.problems, flags, source);
    raw = read.raw;
  }
  return { merged: overlayFlags(raw, flags, problems), raw, source, baseDir: source ? resolve(source, '..') : cwd, problems };
}

// What the file says about where to act; the flags' say is resolveTarget's.
function configTarget(raw: Record<string, unknown>, helm: ConfigFile['helm'], baseDir: string, source: string | undefined): ConfigTarget {
  return {
    namespace: typeof raw.namespace === 'string' ? raw.namespace : undefined,
    kubeContext: helm.kubeContext,
    kubeconfig: helm.kubeconfig ? resolve(baseDir, helm.kubeconfig) : undefined,
    helmBinary: helm.binary,
    source,
  };
}

/**
 * loadReleaseTarget reads only what names a deployed release and how to reach it (release,
 * namespace, valuePaths, helm settings): `status` of one release needs no chart, image or plan.
 * Throws InvalidInputError listing every problem in those fields.
 */
export function loadReleaseTarget(flags: ConfigFlags, cwd = process.cwd()): ReleaseTarget {
  const { merged, raw, source, baseDir, problems } = readMerged(flags, cwd);
  const parsed = safeParse(releaseTarget, merged);
  if (!parsed.success) problems.push(...formatIssues(parsed.error.issues, '', merged));
  const paths = parsed.success ? modeValuePaths(parsed.data.mode, parsed.data.valuePaths) : undefined;
  if (paths) problems.push(...paths.problems);
  const valuePaths = paths?.valuePaths;
  if (problems.length || !parsed.success || !valuePaths) throw invalidInput(problems, flags, source);
  const { helm } = parsed.data;
  return {
    release: parsed.data.release,
    namespace: parsed.data.namespace,
    valuePaths,
    helm: { timeout: helm.timeout, kubeContext: helm.kubeContext, createNamespace: helm.createNamespace, extraArgs: helm.extraArgs },
    target: configTarget(raw, helm, baseDir, source),
    source,
  };
}

/** loadConfig reads, merges and validates the configuration; throws InvalidInputError listing every problem. */
export function loadConfig(flags: ConfigFlags, cwd = process.cwd()): Config {
  const { merged, raw, source, baseDir, problems } = readMerged(flags, cwd);
  const parsed = safeParse(configFile, merged);
  if (!parsed.success) problems.push(...formatIssues(parsed.error.issues, '', merged));

  // The checks below run even when the schema failed, on whatever parts are usable, so one run
  // lists every problem.
  const replicas = typeof merged.replicas === 'number' && Number.isInteger(merged.replicas) && merged.replicas >= 1 ? merged.replicas : 1;
  const plan = readPlan(merged, baseDir, replicas, problems);
  const chart = typeof merged.chart === 'string' || (typeof merged.chart === 'object' && merged.chart !== null)
    ? safeChartRef(merged.chart as ConfigFile['chart'], baseDir)
    : undefined;
  const valuesFiles = Array.isArray(merged.valuesFiles) ? merged.valuesFiles.filter((f): f is string => typeof f === 'string').map((f) => resolve(baseDir, f)) : [];
  checkFiles(chart, valuesFiles, problems);
  const paths = parsed.success ? modeValuePaths(parsed.data.mode, parsed.data.valuePaths) : undefined;
  if (paths) problems.push(...paths.problems);
  if (parsed.success && parsed.data.overlay && parsed.data.mode !== 'overlay') problems.push('overlay: applies only with mode: overlay');
  if (problems.length || !parsed.success || !plan || !chart || !paths) {
    throw invalidInput(problems, flags, source);
  }
  const config = parsed.data;
  const overlay = config.overlay;
  return {
    spec: {
      release: config.release,
      namespace: config.namespace,
      chart,
      valuesFiles,
      repository: config.image.repository,
      replicas: config.replicas,
      valuePaths: paths.valuePaths,
      ...(config.mode === 'overlay'
        ? {
            overlay: {
              chartImage: paths.chartImage!,
              target: { deployment: overlay?.deployment, container: overlay?.container, service: overlay?.service },
              routing: { hosts: overlay?.hosts ?? [], gateways: overlay?.gateways ?? [] },
              istioApiVersion: overlay?.istioApiVersion ?? 'networking.istio.io/v1',
            },
          }
        : {}),
      helm: {
        timeout: config.helm.timeout,
        kubeContext: config.helm.kubeContext,
        createNamespace: config.helm.createNamespace,
        extraArgs: config.helm.extraArgs,
      },
    },
    plan,
    stableTag: config.image.stableTag,
    target: configTarget(raw, config.helm, baseDir, source),
    source,
  };
}

// The plan the merged config names (--steps, --plan, or the file's), checked with its replicas.
function readPlan(merged: Record<string, unknown>, baseDir: string, replicas: number, problems: string[]): Plan | undefined {
  const planRef = merged.plan ?? 'seven-stage';
  if (typeof planRef !== 'string' && (typeof planRef !== 'object' || planRef === null)) return undefined;
  const planSource = readPlanSource(planRef as string, baseDir);
  if ('problems' in planSource) {
    problems.push(...planSource.problems);
    return undefined;
  }
  const drain = typeof merged.drainSeconds === 'number' ? merged.drainSeconds : undefined;
  const plan = toPlan(planSource.plan, typeof planRef === 'string' ? planRef : 'custom', drain);
  // drainSeconds and replicas are the config's own fields, which the schema already checked.
  const own = new Set(['drainSeconds', 'replicas']);
  problems.push(...checkPlan(plan, replicas).filter((p) => !own.has(p.path)).map((p) => `plan.${p.path}: ${p.message}`));
  return plan;
}
