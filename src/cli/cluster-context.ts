// Builds the RunnerContext of a cluster command: validated config, helm found and recent enough,
// the cluster reachable, and the adapters wired. The Kubernetes client is imported here, and only
// commands that talk to a cluster import this file.
import { loadConfig, loadReleaseTarget, type Config, type ConfigFlags } from '../config/load-config.js';
import { readPlanSource, toPlan } from '../config/load-plan.js';
import { resolveTarget, type ClusterTarget, type ConfigTarget, type KubeconfigReader, type TargetFlags } from '../config/resolve-target.js';
import { ExecaHelmRunner } from '../helm/execa-helm-runner.js';
import { checkHelmVersion } from '../helm/helm-version.js';
import { HelmReleasesAdapter } from '../helm/helm-releases.js';
import { cachedHelmVersion } from '../helm/version-cache.js';
import { connectKube, createNamespace, loadKubeConfig, namespaceExists, ConfigMapRecordStore, HelmReleaseStorage, KubeClusterReader, LeaseReleaseLock, discoverReleaseObjects, type KubeConnection } from '../kube/index.js';
import { actorName, holderIdentity } from '../io/identity.js';
import { systemClock } from '../io/system-clock.js';
import { privateValuesFiles } from '../io/values-files.js';
import type { RunnerContext } from '../rollout/context.js';
import { releaseObjectsResolver } from '../rollout/release-objects.js';
import { KubeReleaseActivity } from '../kube/release-activity.js';
import { namespacesWithRecords } from '../kube/record-namespaces.js';
import { dryRunAdapters, type DryRun } from '../dry-run/dry-run-adapters.js';
import type { HelmReleases, Reporter } from '../rollout/ports.js';
import { InputError, UnreachableError } from './errors.js';
import { releasedOnInterrupt } from './signals.js';

/** ClusterFlags are the flags every cluster command takes: the config's, and where to act (resolveTarget's). */
export interface ClusterFlags extends ConfigFlags, TargetFlags {
  dryRun?: boolean;
  /** --debug: show each helm command and its output (through the reporter). */
  debug?: boolean;
  /** --create-namespace: create a missing namespace before anything else (deploy). */
  createNamespace?: boolean;
}

/**
 * ContextUse is what a cluster command needs of the config: a `rollout` (start, promote, rollback,
 * run) the whole of it; a `deploy` too, and it may create a missing namespace (only a deploy can
 * install a release); `status` of one release only the release and how to reach it.
 */
export type ContextUse = 'deploy' | 'rollout' | 'status';

function numberFromEnv(name: string, fallback: number): number {
  const value = Number(process.env[name]);
  return Number.isFinite(value) && value > 0 ? value : fallback;
}

// The cluster-side adapters every cluster command uses, over one connection.
function clusterAdapters(kube: KubeConnection): { records: ConfigMapRecordStore; reader: KubeClusterReader; lock: LeaseReleaseLock } {
  return { records: new ConfigMapRecordStore(kube), reader: new KubeClusterReader(kube), lock: new LeaseReleaseLock(kube) };
}

// What a cluster command acts on, from the config (all of it, or the status-only part).
function loadFor(flags: ClusterFlags, use: ContextUse): Pick<Config, 'spec' | 'plan' | 'target'> {
  if (use !== 'status') return loadConfig(flags);
  const release = loadReleaseTarget(flags);
  const builtin = readPlanSource('seven-stage', process.cwd());
  if ('problems' in builtin) throw new InputError('the built-in plan seven-stage could not be read', builtin.problems);
  return {
    // status reads the chart's values at valuePaths and the plan from the rollout record; the
    // chart, image and replicas of a rollout are not asked for.
    spec: { release: release.release, namespace: release.namespace ?? 'default', chart: { kind: 'path', path: process.cwd() }, valuesFiles: [], repository: '', replicas: 1, valuePaths: release.valuePaths, helm: release.helm },
    plan: toPlan(builtin.plan, 'seven-stage'),
    target: release.target,
  };
}

/** kubeconfigReader reads the namespace a kubeconfig's context names, with $KUBECONFIG from `env`. */
export function kubeconfigReader(env: Record<string, string | undefined>): KubeconfigReader {
  return (kubeconfig, context) => {
    const { kc } = loadKubeConfig({ kubeconfig, context, env });
    const current = kc.getCurrentContext();
    return { context: current, namespace: kc.getContextObject(current)?.namespace };
  };
}

// Where a cluster command acts (resolve-target.ts), for what the config file says.
function targetFor(flags: ClusterFlags, config: ConfigTarget): ClusterTarget {
  return resolveTarget(flags, process.env, config, kubeconfigReader(process.env));
}

/**
 * buildClusterContext validates input first, then checks helm and the cluster. Nothing is changed,
 * except that a deploy with --create-namespace (or helm.createNamespace) creates a missing namespace.
 */
export async function buildClusterContext(flags: ClusterFlags, use: ContextUse, reporter: Reporter): Promise<{ ctx: RunnerContext; dryRun?: DryRun; activity: KubeReleaseActivity }> {
  const loaded = loadFor(flags, use);
  const { kubeconfig, kubeContext, namespace, helmBinary: binary } = targetFor(flags, loaded.target);
  const config = { ...loaded, spec: { ...loaded.spec, namespace, helm: { ...loaded.spec.helm, kubeContext } } };
  // helm's own output goes to the reporter, which shows it with --debug and inside CI log groups.
  const observer = { command: (bin: string, argv: readonly string[]) => reporter.helmCommand?.(bin, argv), output: (line: string, stream: 'stdout' | 'stderr') => reporter.helmOutput?.(line, stream) };
  const runner = new ExecaHelmRunner({ binary, env: kubeconfig ? { KUBECONFIG: kubeconfig } : {}, kubeContext: config.spec.helm.kubeContext, observer });
  const version = await cachedHelmVersion(binary, () => runner.version()).catch((err: Error) => {
    throw new UnreachableError(`cannot run helm (${binary})`, [err.message]);
  });
  const supported = checkHelmVersion(version);
  if (!supported.ok) throw new UnreachableError(supported.reason);

  const kube = await connectKube({ kubeconfig, context: config.spec.helm.kubeContext });
  await checkNamespace(kube, namespace, {
    // Only a deploy can install a release, so only a deploy creates its namespace.
    create: use === 'deploy' && config.spec.helm.createNamespace,
    createNamespaceSet: config.spec.helm.createNamespace,
    dryRun: flags.dryRun ?? false,
  });
  const { release } = config.spec;
  // The adapter reads helm's release Secrets where HELM_DRIVER lets it, and runs helm otherwise.
  const helm: HelmReleases = new HelmReleasesAdapter({ runner, release, namespace, timeout: config.spec.helm.timeout, storage: new HelmReleaseStorage(kube) });
  const actor = actorName();
  const { records, reader, lock } = clusterAdapters(kube);
  // A lease held when SIGINT/SIGTERM comes is given back before the exit (signals.ts).
  const real = { helm, records, lock: releasedOnInterrupt(lock), reader, values: privateValuesFiles, clock: systemClock };
  // A dry run is the same runner over adapters that cannot write (src/dry-run).
  const dryRun = flags.dryRun ? dryRunAdapters(real, config.spec.valuePaths, reporter) : undefined;
  const ctx: RunnerContext = {
    spec: config.spec,
    plan: config.plan,
    ...(dryRun?.ports ?? real),
    reporter,
    actor,
    holder: holderIdentity(actor),
    lockTtlSeconds: numberFromEnv('HELM_CANARY_LOCK_TTL_SECONDS', 60),
    verifyTimeoutMs: numberFromEnv('HELM_CANARY_VERIFY_TIMEOUT_MS', 20_000),
    objects: releaseObjectsResolver({ namespace, release }, records, helm, discoverReleaseObjects),
  };
  return { ctx, dryRun, activity: new KubeReleaseActivity(kube) };
}

// A missing namespace would fail later as "NotFoundError: Lease"; create it, or say so plainly.
async function checkNamespace(kube: KubeConnection, namespace: string, options: { create: boolean; createNamespaceSet: boolean; dryRun: boolean }): Promise<void> {
  if (await namespaceExists(kube, namespace)) return;
  if (options.create) {
    // A dry run writes nothing: the namespace would be created first.
    if (!options.dryRun) await createNamespace(kube, namespace);
    return;
  }
  throw new InputError(`namespace ${JSON.stringify(namespace)} does not exist in context ${JSON.stringify(kube.context)}`, [
    options.createNamespaceSet
      ? 'only deploy creates a namespace; deploy the release first'
      : 'to create it with the first deploy, pass --create-namespace (or set helm.createNamespace: true)',
  ]);
}

/** buildReadContext connects to the cluster for namespace-wide reads (status --all): no release config needed. */
export async function buildReadContext(flags: ClusterFlags): Promise<{ namespace: string; allNamespaces: () => ReturnType<typeof namespacesWithRecords> } & ReturnType<typeof clusterAdapters>> {
  let config: ConfigTarget = {};
  // A canary.yaml, when there is one, may name the namespace, kubeconfig and context; without a
  // usable one the flags, helm's plugin environment and the kubeconfig serve.
  try {
    config = loadReleaseTarget(flags).target;
  } catch {
    // no usable config: fine for a namespace-wide read
  }
  const { kubeconfig, kubeContext, namespace } = targetFor(flags, config);
  const kube = await connectKube({ kubeconfig, context: kubeContext });
  return { namespace, ...clusterAdapters(kube), allNamespaces: () => namespacesWithRecords(kube) };
}
