// The one adapter between the config table (config-table.test.ts) and the config layer: it writes a
// row's canary.yaml, parses the command's own inputs and loads the config as the command does,
// resolves where it acts with resolveTarget, and projects what comes back onto ConfigView, a flat
// shape that does not follow the loader's types. When the config API changes, only this file
// changes; the rows are data.
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { loadConfig, loadReleaseTarget, type Config, type ConfigFlags, type ReleaseTarget } from '../../src/config/load-config.js';
import { resolveTarget, type TargetFlags } from '../../src/config/resolve-target.js';
import { kubeconfigPaths } from '../../src/kube/kube-context.js';
import { kubeconfigReader } from '../../src/cli/cluster-context.js';
import { loadPlanInputs } from '../../src/cli/commands/actions/plan.js';
import { deployInputs } from '../../src/cli/commands/actions/deploy.js';
import { startInputs } from '../../src/cli/commands/actions/start.js';
import { runInputs } from '../../src/cli/commands/actions/run.js';
import { kubeconfigYaml } from '../../sim/kubeconfig.js';

/** Flags are the command line a row gives: the config flags, where to act, and the commands' own inputs. */
export type Flags = ConfigFlags & TargetFlags & { tag?: string; stableTag?: string; newTag?: string; to?: string };

/**
 * Load says which command a row runs as: `plan` (plan, lint: --stable-tag, --new-tag), `deploy`
 * (--tag), `start` (--new-tag, --to), `run` (--new-tag), or the `release-target` of `status` of one
 * release. Cluster commands also resolve the namespace and context from the environment; every
 * load here does, so env rows can use any of them.
 */
export type Load = 'plan' | 'deploy' | 'start' | 'run' | 'release-target';

/** ConfigView is what a command would act on, in one flat shape; paths in it start with <dir>. */
export interface ConfigView {
  release: string;
  /** The namespace a cluster command acts on, after flags, helm's plugin env, config and kubeconfig. */
  namespace: string;
  chart: string;
  repository: string;
  replicas: number;
  valuesFiles: string[];
  plan: string;
  weights: number[];
  drainSeconds: number;
  timeout: string;
  kubeContext: string | undefined;
  createNamespace: boolean;
  extraArgs: string[];
  helmBinary: string;
  kubeconfig: string | undefined;
  /** The kubeconfig files a cluster command reads: --kubeconfig, helm.kubeconfig, else $KUBECONFIG, else ~/.kube/config. */
  kubeconfigFiles: string[];
  stableTag: string | undefined;
  newTag: string | undefined;
  valuePaths: string;
}

/** Outcome is a row's result: the view, or the error's title and problem lines. */
export type Outcome = { view: Partial<ConfigView> } | { title: string; problems: string[] };

/** Row is one case: inputs, and the fields or the exact problems expected. */
export interface Row {
  name: string;
  /** canary.yaml in the working directory: a map, raw text, or null for none. Default MINIMAL. */
  file?: Record<string, unknown> | string | null;
  /** Other files the row needs, by path under its directory (a plan, values, a kubeconfig). */
  files?: Record<string, string>;
  flags?: Flags;
  env?: Record<string, string>;
  load?: Load;
  /** The view's fields that matter to this row (the rest are not compared). */
  fields?: Partial<ConfigView>;
  /** Every problem line, exactly; `title` when the error's title matters. */
  problems?: string[];
  title?: string;
  /** Why the row does not pass yet: it states what should happen, and runs as a todo. */
  todo?: string;
}

/** MINIMAL is the smallest valid canary.yaml. */
export const MINIMAL = { release: 'productpage', chart: './chart', image: { repository: 'acr.io/bookinfo/productpage' }, replicas: 2 };

/** HOME is the home directory every row runs with: ~/.kube/config is <dir>/home/.kube/config. */
const HOME = 'home';

/** runRow runs one row in a fresh directory under `root` and returns its outcome, with that directory shown as <dir>. */
export function runRow(root: string, row: Row): Outcome {
  const dir = mkdtempSync(join(root, 'row-'));
  mkdirSync(join(dir, 'chart'));
  // Like a fresh kind cluster's: one context, which names no namespace.
  mkdirSync(join(dir, HOME, '.kube'), { recursive: true });
  writeFileSync(join(dir, HOME, '.kube', 'config'), kubeconfigYaml('https://127.0.0.1:6443'));
  const file = row.file === undefined ? MINIMAL : row.file;
  if (file !== null) writeFileSync(join(dir, 'canary.yaml'), typeof file === 'string' ? file : stringify(file));
  for (const [path, text] of Object.entries(row.files ?? {})) writeFileSync(join(dir, path), text);
  const env: Record<string, string> = { HOME: join(dir, HOME), ...row.env };
  for (const [key, value] of Object.entries(env)) env[key] = value.replaceAll('<dir>', dir);
  const flags = JSON.parse(JSON.stringify(row.flags ?? {}).replaceAll('<dir>', dir)) as Flags;
  const hide = (text: string) => text.replaceAll(dir, '<dir>');
  try {
    return { view: JSON.parse(hide(JSON.stringify(load(dir, row.load ?? 'plan', flags, env)))) };
  } catch (err) {
    const problems = (err as { problems?: unknown }).problems;
    if (!Array.isArray(problems)) throw err;
    return { title: hide((err as Error).message), problems: problems.map((p) => hide(String(p))) };
  }
}

// The calls a command makes (src/cli/commands/actions/*, src/cli/cluster-context.ts): its own
// inputs and the config, then where it acts, asking the kubeconfig only when nothing names the namespace.
function load(cwd: string, use: Load, flags: Flags, env: Record<string, string>): Partial<ConfigView> {
  const { view, target } = loadAs(cwd, use, flags);
  const resolved = resolveTarget(flags, env, target, kubeconfigReader(env));
  return {
    ...view,
    namespace: resolved.namespace,
    kubeContext: resolved.kubeContext,
    helmBinary: resolved.helmBinary,
    kubeconfig: resolved.kubeconfig,
    kubeconfigFiles: kubeconfigPaths(resolved.kubeconfig, env),
  };
}

type Loaded = { view: Partial<ConfigView>; target: Config['target'] };

function loadAs(cwd: string, use: Load, flags: Flags): Loaded {
  switch (use) {
    case 'plan': {
      const { config, stableTag, newTag } = loadPlanInputs(flags, cwd);
      return { view: { ...configView(config), stableTag, newTag }, target: config.target };
    }
    case 'deploy': {
      const { tag } = deployInputs({ ...flags, tag: flags.tag! }, cwd);
      return withTags(loadConfig(flags, cwd), { newTag: tag });
    }
    case 'start':
      return withTags(loadConfig(flags, cwd), { newTag: startInputs(flags, cwd).newTag });
    case 'run':
      return withTags(loadConfig(flags, cwd), runInputs(flags, cwd));
    case 'release-target': {
      const t = loadReleaseTarget(flags, cwd);
      return { view: targetView(t), target: t.target };
    }
  }
}

function withTags(c: Config, tags: { newTag?: string }): Loaded {
  return { view: { ...configView(c), stableTag: undefined, newTag: tags.newTag }, target: c.target };
}

function configView(c: Config): Partial<ConfigView> {
  const chart = c.spec.chart.kind === 'path' ? c.spec.chart.path : c.spec.chart.kind === 'oci' ? c.spec.chart.ref : `${c.spec.chart.repoUrl} ${c.spec.chart.name}`;
  return {
    release: c.spec.release,
    chart,
    repository: c.spec.repository,
    replicas: c.spec.replicas,
    valuesFiles: c.spec.valuesFiles,
    plan: c.plan.name,
    weights: c.plan.steps.map((s) => s.weight),
    drainSeconds: c.plan.drainSeconds,
    ...helmView(c.spec.helm, c.spec.valuePaths),
  };
}

function targetView(t: ReleaseTarget): Partial<ConfigView> {
  return { release: t.release, ...helmView(t.helm, t.valuePaths) };
}

type Spec = Config['spec'];
function helmView(helm: Spec['helm'], paths: Spec['valuePaths']): Partial<ConfigView> {
  const role = (r: Spec['valuePaths']['production']) => [r.repository, r.tag, r.replicas, r.weight].join(' ');
  return {
    timeout: helm.timeout,
    createNamespace: helm.createNamespace,
    extraArgs: helm.extraArgs,
    valuePaths: `${role(paths.production)} | ${role(paths.canary)}`,
  };
}
