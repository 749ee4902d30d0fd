// The disruption controller: keeps each PodDisruptionBudget's status (policy/v1) as Kubernetes'
// does, so a test can read how many of the pods a PDB selects it counts as healthy and how many
// disruptions it allows. Counted: the namespace's pods its selector matches (an empty selector
// matches every pod, as in policy/v1); healthy = those Ready and not terminating.
// expectedPods: with an integer minAvailable, the number of matched pods, terminating ones
// included (measured on kube-controller-manager 1.37); with a percentage or
// maxUnavailable, the scale of the pods' controllers (a ReplicaSet's Deployment's replicas, else
// the ReplicaSet's), as the real controller reads them through the scale subresource.
// The Eviction API (../api/eviction.ts) reads these numbers. Not modelled: disruptedPods.
import { KINDS } from '../store/resources.js';
import type { KubeObject, ObjectStore, StoreEvent } from '../store/types.js';
import { asJson, asList, controllerOf, intOf, isNotFound, isTerminating, podIsReady, selectorMatches, specOf, statusOf, timestamp } from './objects.js';
import type { Json, LabelSelector } from './objects.js';
import type { ResolvedOptions } from './options.js';
import { WorkQueue, objectKey, splitKey } from './queue.js';

/** scaledValue resolves an IntOrString (`2` or `"50%"`) against a total, rounding up as minAvailable does. */
export function scaledValue(value: unknown, total: number, roundUp: boolean): number | undefined {
  if (typeof value === 'number' && Number.isInteger(value)) return value;
  if (typeof value === 'string') {
    const percent = /^(\d+)%$/.exec(value);
    if (percent) {
      const exact = (Number(percent[1]) * total) / 100;
      return roundUp ? Math.ceil(exact) : Math.floor(exact);
    }
    if (/^\d+$/.test(value)) return Number(value);
  }
  return undefined;
}

/** DisruptionController writes every PodDisruptionBudget's status. */
export class DisruptionController {
  private readonly queue: WorkQueue;
  private readonly unsubscribe: () => void;

  constructor(
    private readonly store: ObjectStore,
    private readonly options: ResolvedOptions,
  ) {
    this.queue = new WorkQueue(
      (key) => this.reconcile(key),
      (key, err) => options.onError(err, `poddisruptionbudget ${key}`),
    );
    this.unsubscribe = store.subscribe((e) => this.onEvent(e));
    this.queueAll();
  }

  /** stop ends reconciling. */
  stop(): void {
    this.unsubscribe();
    this.queue.stop();
  }

  private queueAll(namespace?: string): void {
    for (const pdb of this.store.list(KINDS.podDisruptionBudget, namespace)) this.queue.add(objectKey(pdb.metadata.namespace, pdb.metadata.name));
  }

  private onEvent(e: StoreEvent): void {
    const kind = e.resource.kind;
    if (kind === 'PodDisruptionBudget') {
      if (e.type !== 'DELETED') this.queue.add(objectKey(e.object.metadata.namespace, e.object.metadata.name));
    } else if (kind === 'Pod' || kind === 'Deployment' || kind === 'ReplicaSet') {
      this.queueAll(e.object.metadata.namespace);
    }
  }

  private reconcile(key: string): void {
    const { namespace, name } = splitKey(key);
    const pdb = this.store.get(KINDS.podDisruptionBudget, namespace, name);
    if (!pdb) return;
    const spec = specOf(pdb);
    const selector = asJson(spec.selector) as LabelSelector;
    const everything = Object.keys(selector.matchLabels ?? {}).length === 0 && (selector.matchExpressions ?? []).length === 0;
    // Terminating pods are not healthy but still expected (an evicted pod and its replacement count twice, as measured).
    const pods = this.store.list(KINDS.pod, namespace).filter((p) => everything || selectorMatches(selector, p.metadata.labels));
    const currentHealthy = pods.filter((p) => podIsReady(p) && !isTerminating(p)).length;

    let expectedPods = pods.length;
    let desiredHealthy = 0;
    if (spec.maxUnavailable !== undefined && spec.maxUnavailable !== null) {
      expectedPods = this.expectedScale(pods);
      desiredHealthy = Math.max(0, expectedPods - (scaledValue(spec.maxUnavailable, expectedPods, true) ?? 0));
    } else if (typeof spec.minAvailable === 'number') {
      desiredHealthy = spec.minAvailable;
    } else if (spec.minAvailable !== undefined && spec.minAvailable !== null) {
      expectedPods = this.expectedScale(pods);
      desiredHealthy = scaledValue(spec.minAvailable, expectedPods, true) ?? 0;
    }
    const disruptionsAllowed = Math.max(0, currentHealthy - desiredHealthy);
    const previous = asList(statusOf(pdb).conditions).find((c) => c.type === 'DisruptionAllowed');
    const allowed = disruptionsAllowed > 0 ? 'True' : 'False';
    const status: Json = {
      observedGeneration: pdb.metadata.generation ?? 1,
      disruptionsAllowed,
      currentHealthy,
      desiredHealthy,
      expectedPods,
      conditions: [
        {
          type: 'DisruptionAllowed',
          status: allowed,
          reason: disruptionsAllowed > 0 ? 'SufficientPods' : 'InsufficientPods',
          message: '',
          observedGeneration: pdb.metadata.generation ?? 1,
          lastTransitionTime: previous?.status === allowed ? previous.lastTransitionTime : timestamp(this.options.clock.now()),
        },
      ],
    };
    pdb.status = status;
    try {
      this.store.update(KINDS.podDisruptionBudget, pdb, { subresource: 'status' });
    } catch (err) {
      if (!isNotFound(err)) throw err;
    }
  }

  // expectedScale sums the scale of the distinct controllers of the pods (Deployment over ReplicaSet).
  private expectedScale(pods: KubeObject[]): number {
    const scales = new Map<string, number>();
    for (const pod of pods) {
      const owner = controllerOf(pod);
      if (owner?.kind !== 'ReplicaSet') {
        scales.set(`pod/${pod.metadata.name}`, 1);
        continue;
      }
      const rs = this.store.get(KINDS.replicaSet, pod.metadata.namespace, owner.name);
      if (!rs) continue;
      const rsOwner = controllerOf(rs);
      const deployment = rsOwner?.kind === 'Deployment' ? this.store.get(KINDS.deployment, pod.metadata.namespace, rsOwner.name) : undefined;
      if (deployment) scales.set(`deployment/${deployment.metadata.name}`, intOf(specOf(deployment).replicas, 1));
      else scales.set(`replicaset/${rs.metadata.name}`, intOf(specOf(rs).replicas, 1));
    }
    return [...scales.values()].reduce((a, b) => a + b, 0);
  }
}
