// Reads what the cluster actually runs for a release: both Deployments, the VirtualService's
// weights and the DestinationRule's subsets. The runner compares this with what a stage asked
// for, so every field is read as the API server reports it, and a missing object is an absent
// field rather than an error (the runner reports what is missing in its own terms).
import type { V1Deployment, V1ReplicaSet } from '@kubernetes/client-node';
import type { ClusterReader, DeploymentState, LiveState, ReleaseObjects, TrafficState } from '../rollout/ports.js';
import { currentReplicaSet, replicaSetSelector } from './current-replica-set.js';
import { parseImage } from './image-ref.js';
import { subsetNames, subsetWeights } from './istio-traffic.js';
import type { KubeConnection } from './kube-context.js';
import { apiStatusOf, classifyKubeError, isNotFound, undefinedWhenNotFound } from './kube-errors.js';

/** ISTIO_GROUP is the API group of VirtualService and DestinationRule. */
export const ISTIO_GROUP = 'networking.istio.io';
/** ISTIO_VERSIONS are the versions tried in order: v1 (Istio >= 1.22), then the older ones. */
export const ISTIO_VERSIONS = ['v1', 'v1beta1', 'v1alpha3'] as const;

/**
 * deploymentState summarises a Deployment: image of its first container, replica counts, settled.
 * `ready` counts only the pods of its current ReplicaSet (see currentReplicaSet), and none while
 * the controller has not observed the latest spec: its ReplicaSets may still be the old ones.
 */
export function deploymentState(dep: V1Deployment, replicaSets: V1ReplicaSet[]): DeploymentState {
  const image = dep.spec?.template?.spec?.containers?.[0]?.image ?? '';
  const { repository, tag } = parseImage(image);
  // The API server defaults spec.replicas to 1; status counts are omitted when zero.
  const desired = dep.spec?.replicas ?? 1;
  const status = dep.status ?? {};
  const observed = status.observedGeneration ?? 0;
  const generation = dep.metadata?.generation ?? 0;
  const current = observed >= generation ? currentReplicaSet(dep, replicaSets) : undefined;
  const ready = current?.status?.readyReplicas ?? 0;
  const updated = status.updatedReplicas ?? 0;
  const available = status.availableReplicas ?? 0;
  const total = status.replicas ?? 0;
  const settled =
    observed >= generation && updated === desired && ready === desired && available === desired && total === desired;
  return { name: dep.metadata?.name ?? '', image, repository, tag, desired, ready, updated, available, settled };
}

/** KubeClusterReader is the ClusterReader over a KubeConnection. */
export class KubeClusterReader implements ClusterReader {
  // The Istio version this cluster serves, once found, so later reads skip the fallbacks.
  private istioVersion: string | undefined;

  constructor(private readonly kube: KubeConnection) {}

  /**
   * readLive reads the release's Deployments (each with its ReplicaSets), VirtualService and
   * DestinationRule in parallel.
   */
  async readLive(namespace: string, objects: ReleaseObjects): Promise<LiveState> {
    const [production, canary, vs, dr] = await Promise.all([
      this.readDeploymentState(namespace, objects.production),
      this.readDeploymentState(namespace, objects.canary),
      this.readIstio(namespace, 'virtualservices', objects.virtualService),
      objects.destinationRule ? this.readIstio(namespace, 'destinationrules', objects.destinationRule) : Promise.resolve(undefined),
    ]);
    const live: LiveState = {};
    if (production) live.production = production;
    if (canary) live.canary = canary;
    if (vs) {
      const traffic: TrafficState = {
        virtualService: objects.virtualService,
        weights: subsetWeights(vs, Object.values(objects.subsets)),
        subsets: dr ? subsetNames(dr) : [],
      };
      if (dr && objects.destinationRule) traffic.destinationRule = objects.destinationRule;
      live.traffic = traffic;
    }
    return live;
  }

  /** readDeploymentState reads a Deployment, then its ReplicaSets; undefined when it does not exist. */
  async readDeploymentState(namespace: string, name: string): Promise<DeploymentState | undefined> {
    const dep = await this.readDeployment(namespace, name);
    return dep && deploymentState(dep, await this.readReplicaSets(namespace, dep));
  }

  /** readReplicaSets lists the ReplicaSets matching a Deployment's selector (one list call). */
  async readReplicaSets(namespace: string, dep: V1Deployment): Promise<V1ReplicaSet[]> {
    const labelSelector = replicaSetSelector(dep);
    const list = await this.kube.call(`ReplicaSets of Deployment ${namespace}/${dep.metadata?.name ?? ''}`, () =>
      this.kube.apps.listNamespacedReplicaSet({ namespace, labelSelector }),
    );
    return list.items;
  }

  /** readDeployment reads one Deployment, undefined when it does not exist. */
  async readDeployment(namespace: string, name: string): Promise<V1Deployment | undefined> {
    return undefinedWhenNotFound(this.kube.call(`Deployment ${namespace}/${name}`, () => this.kube.apps.readNamespacedDeployment({ name, namespace })));
  }

  /**
   * readIstio reads an Istio object at the first version the cluster serves. A 404 naming the
   * object means it does not exist; a 404 without a name means the version is not served, and
   * the next one is tried. Undefined when the object (or Istio itself) is absent.
   */
  async readIstio(namespace: string, plural: string, name: string): Promise<unknown | undefined> {
    const versions = this.istioVersion ? [this.istioVersion] : [...ISTIO_VERSIONS];
    for (const version of versions) {
      try {
        const obj: unknown = await this.kube.custom.getNamespacedCustomObject({ group: ISTIO_GROUP, version, namespace, plural, name });
        this.istioVersion = version;
        return obj;
      } catch (err) {
        const status = apiStatusOf(err);
        if (status?.code === 404 && status.details?.name) {
          this.istioVersion = version;
          return undefined;
        }
        if (status?.code === 404) continue;
        throw classifyKubeError(err, { server: this.kube.server, what: `${plural}.${ISTIO_GROUP} ${namespace}/${name}`, timeoutMs: this.kube.requestTimeoutMs });
      }
    }
    return undefined;
  }
}
