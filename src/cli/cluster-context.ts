// Builds the RunnerContext of a cluster command: validated config, helm found and recent enough,
// the cluster reachable, and the adapters wired. The Kubernetes client is imported here, and only
// commands that talk to a cluster import this file.
import { loadConfig, type ConfigFlags } from '../config/load-config.js';
import { ExecaHelmRunner } from '../helm/execa-helm-runner.js';
import { checkHelmVersion } from '../helm/helm-version.js';
import { helmReleases } from '../helm/helm-releases.js';
import { cachedHelmVersion } from '../helm/version-cache.js';
import { connectKube, ConfigMapRecordStore, HelmReleaseStorage, KubeClusterReader, LeaseReleaseLock, discoverReleaseObjects, usesSecretStorage, type KubeConnection } from '../kube/index.js';
import { actorName, holderIdentity } from '../io/identity.js';
import { systemClock } from '../io/system-clock.js';
import { privateValuesFiles } from '../io/values-files.js';
import type { RunnerContext } from '../rollout/context.js';
import { isActive } from '../rollout/record.js';
import type { HelmReleases, ReleaseObjects } from '../rollout/ports.js';
import { UnreachableError } from './errors.js';
import { createReporter } from './progress.js';

/** ClusterFlags are the flags every cluster command takes on top of the config flags. */
export interface ClusterFlags extends ConfigFlags {
  kubeconfig?: string;
  context?: string;
  helm?: string;
  dryRun?: boolean;
}

function numberFromEnv(name: string, fallback: number): number {
  const value = Number(process.env[name]);
  return Number.isFinite(value) && value > 0 ? value : fallback;
}

// The cluster-side adapters every cluster command uses, over one connection.
function clusterAdapters(kube: KubeConnection): { records: ConfigMapRecordStore; reader: KubeClusterReader; lock: LeaseReleaseLock } {
  return { records: new ConfigMapRecordStore(kube), reader: new KubeClusterReader(kube), lock: new LeaseReleaseLock(kube) };
}

/** buildClusterContext validates input first, then checks helm and the cluster; nothing is changed. */
export async function buildClusterContext(flags: ClusterFlags): Promise<{ ctx: RunnerContext; newTag?: string }> {
  const config = loadConfig({ ...flags, kubeContext: flags.context ?? flags.kubeContext });
  const binary = flags.helm ?? process.env.HELM_BIN ?? config.helmBinary ?? 'helm';
  const kubeconfig = flags.kubeconfig ?? config.kubeconfig;
  const runner = new ExecaHelmRunner({ binary, env: kubeconfig ? { KUBECONFIG: kubeconfig } : {}, kubeContext: config.spec.helm.kubeContext });
  const version = await cachedHelmVersion(binary, () => runner.version()).catch((err: Error) => {
    throw new UnreachableError(`cannot run helm (${binary})`, [err.message]);
  });
  const supported = checkHelmVersion(version);
  if (!supported.ok) throw new UnreachableError(supported.reason);

  const kube = await connectKube({ kubeconfig, context: config.spec.helm.kubeContext });
  const { release, namespace } = config.spec;
  const viaHelm = helmReleases(runner, release, namespace, config.spec.helm.timeout);
  // With helm's default Secret storage, status and history questions are one API read, not a helm process.
  const storage = usesSecretStorage() ? new HelmReleaseStorage(kube) : undefined;
  const helm: HelmReleases = storage
    ? {
        ...viaHelm,
        status: () => storage.status(namespace, release),
        lastDeployedRevision: () => storage.lastDeployedRevision(namespace, release),
        revisions: () => storage.revisionValues(namespace, release),
      }
    : viaHelm;
  let objects: ReleaseObjects | undefined;
  const actor = actorName();
  const { records, reader, lock } = clusterAdapters(kube);
  // A rollout in progress saved its objects at start: one API read instead of a helm process.
  const recordedObjects = async () => {
    const stored = await records.read(namespace, release);
    return stored && isActive(stored.record) ? stored.record.objects : undefined;
  };
  const ctx: RunnerContext = {
    spec: config.spec,
    plan: config.plan,
    helm,
    records,
    lock,
    reader,
    values: privateValuesFiles,
    clock: systemClock,
    reporter: createReporter(),
    actor,
    holder: holderIdentity(actor),
    lockTtlSeconds: numberFromEnv('HELM_CANARY_LOCK_TTL_SECONDS', 60),
    verifyTimeoutMs: numberFromEnv('HELM_CANARY_VERIFY_TIMEOUT_MS', 20_000),
    dryRun: flags.dryRun ?? false,
    objects: async () => (objects ??= (await recordedObjects()) ?? discoverReleaseObjects(await helm.manifest(), release)),
  };
  return { ctx, newTag: config.newTag };
}

/** buildReadContext connects to the cluster for namespace-wide reads (status --all): no release config needed. */
export async function buildReadContext(flags: ClusterFlags): Promise<{ namespace: string } & ReturnType<typeof clusterAdapters>> {
  let namespace = flags.namespace;
  let kubeconfig = flags.kubeconfig;
  let context = flags.context;
  if (!namespace || !kubeconfig) {
    // A canary.yaml, when there is one, may name them; without one the flags or defaults serve.
    try {
      const config = loadConfig(flags);
      namespace ??= config.spec.namespace;
      kubeconfig ??= config.kubeconfig;
      context ??= config.spec.helm.kubeContext;
    } catch {
      // no usable config: fine for a namespace-wide read
    }
  }
  const kube = await connectKube({ kubeconfig, context });
  return { namespace: namespace ?? 'default', ...clusterAdapters(kube) };
}
