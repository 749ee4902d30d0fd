// Shared fixtures of the kube adapter tests: a simulated cluster without controllers (the tests
// set Deployment status themselves) and a connection to it, plus object builders.
import { startCluster, type Cluster } from '../../sim/cluster.js';
import { KINDS } from '../../sim/store/resources.js';
import type { KubeObject } from '../../sim/store/types.js';
import { connectKube, type KubeConnection } from '../../src/kube/kube-context.js';
import type { RolloutRecord } from '../../src/rollout/ports.js';

const REVISION = 'deployment.kubernetes.io/revision';

/** startKube starts a controller-less cluster and connects to it. */
export async function startKube(namespaces: string[] = []): Promise<{ cluster: Cluster; kube: KubeConnection }> {
  const cluster = await startCluster({ controllers: [], namespaces });
  try {
    const kube = await connectKube({ kubeconfig: cluster.kubeconfigPath });
    return { cluster, kube };
  } catch (err) {
    await cluster.stop();
    throw err;
  }
}

/** sampleRecord is a rollout record at stage 2. */
export function sampleRecord(release: string, namespace: string, patch: Partial<RolloutRecord> = {}): RolloutRecord {
  return {
    release,
    namespace,
    stableTag: '1.0.0',
    newTag: '1.1.0',
    repository: 'registry.example:5000/team/web',
    replicas: 3,
    plan: { name: 'default', steps: [{ weight: 10 }, { weight: 90 }, { weight: 100 }], finalStepMustBe100: true, drainSeconds: 5 },
    stage: 2,
    phase: 'in-progress',
    startedAt: '2026-01-01T10:00:00.000Z',
    startedBy: 'ci@runner-1',
    lastTransitionAt: '2026-01-01T10:00:00.000Z',
    history: [{ at: '2026-01-01T10:00:00.000Z', by: 'ci@runner-1', action: 'start', from: 1, to: 2, result: 'ok' }],
    ...patch,
  };
}

/** deployment builds a Deployment with a status, for the store. */
export function deployment(
  namespace: string,
  name: string,
  opts: { image: string; canary: boolean; replicas: number; status?: Record<string, number>; generation?: number; revision?: number },
): KubeObject {
  const labels = { app: 'web', canary: String(opts.canary) };
  const annotations = opts.revision === undefined ? undefined : { [REVISION]: String(opts.revision) };
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name, namespace, ...(annotations ? { annotations } : {}) },
    spec: {
      replicas: opts.replicas,
      selector: { matchLabels: labels },
      template: { metadata: { labels }, spec: { containers: [{ name: 'web', image: opts.image }] } },
    },
    status: opts.status ?? {},
  };
}

/**
 * replicaSet builds a ReplicaSet controlled by a stored Deployment (it needs the uid), at a
 * revision and an image (the Deployment's when absent), with `ready` ready pods.
 */
export function replicaSet(owner: KubeObject, opts: { revision: number; ready: number; image?: string }): KubeObject {
  const spec = owner.spec as { selector: { matchLabels: Record<string, string> }; template: { metadata: { labels: Record<string, string> }; spec: { containers: { image: string }[] } } };
  const image = opts.image ?? spec.template.spec.containers[0]!.image;
  const labels = { ...spec.template.metadata.labels, 'pod-template-hash': `h${opts.revision}` };
  return {
    apiVersion: 'apps/v1',
    kind: 'ReplicaSet',
    metadata: {
      name: `${owner.metadata.name}-h${opts.revision}`,
      namespace: owner.metadata.namespace,
      labels,
      annotations: { [REVISION]: String(opts.revision) },
      ownerReferences: [{ apiVersion: 'apps/v1', kind: 'Deployment', name: owner.metadata.name, uid: owner.metadata.uid ?? '', controller: true }],
    },
    spec: {
      replicas: opts.ready,
      selector: { matchLabels: { ...spec.selector.matchLabels, 'pod-template-hash': `h${opts.revision}` } },
      template: { metadata: { labels }, spec: { containers: [{ name: 'web', image }] } },
    },
    status: { replicas: opts.ready, readyReplicas: opts.ready, availableReplicas: opts.ready },
  };
}

/** putObject creates an object directly in the simulated cluster's store. */
export function putObject(cluster: Cluster, kind: keyof typeof KINDS, obj: KubeObject): KubeObject {
  return cluster.store.create(KINDS[kind], obj);
}
