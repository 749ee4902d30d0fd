// The ReplicaSet controller: keeps `spec.replicas` live pods per ReplicaSet and reports how many
// are ready and available. Helm 3's waiter reads `readyReplicas` here; the Deployment controller
// builds its own status from these numbers. Pods being deleted no longer count, as in Kubernetes.
import { KINDS } from '../store/resources.js';
import { serviceAccountRefusal } from '../store/service-accounts.js';
import type { KubeObject, ObjectStore, StoreEvent } from '../store/types.js';
import type { TimerHandle } from './clock.js';
import { asJson, asList, controllerOf, intOf, isNotFound, isOwnedBy, isTerminating, labelsMatch, podIsReady, podReadySince, specOf, statusOf, timestamp } from './objects.js';
import type { ResolvedOptions } from './options.js';
import { podFromTemplate, startPodDeletion } from './owned-pods.js';
import { WorkQueue, objectKey, splitKey } from './queue.js';

// Which pod goes first when scaling down, as Kubernetes ranks them: not yet running, then not
// ready, then the most recently ready (it has served least), then the newest.
function deletionRank(a: KubeObject, b: KubeObject): number {
  const phase = (p: KubeObject): number => (statusOf(p).phase === 'Running' ? 1 : 0);
  if (phase(a) !== phase(b)) return phase(a) - phase(b);
  const ready = (p: KubeObject): number => (podIsReady(p) ? 1 : 0);
  if (ready(a) !== ready(b)) return ready(a) - ready(b);
  const since = (p: KubeObject): number => podReadySince(p) ?? 0;
  if (since(a) !== since(b)) return since(b) - since(a);
  return String(b.metadata.creationTimestamp ?? '').localeCompare(String(a.metadata.creationTimestamp ?? ''));
}

/** ReplicaSetController creates and deletes pods and writes ReplicaSet status. */
export class ReplicaSetController {
  private readonly queue: WorkQueue;
  private readonly unsubscribe: () => void;
  // minReadySeconds: a pod becomes available later than ready, so a recheck is scheduled.
  private readonly availabilityTimers = new Map<string, TimerHandle>();

  constructor(
    private readonly store: ObjectStore,
    private readonly options: ResolvedOptions,
  ) {
    this.queue = new WorkQueue(
      (key) => this.reconcile(key),
      (key, err) => options.onError(err, `replicaset ${key}`),
    );
    this.unsubscribe = store.subscribe((e) => this.onEvent(e));
    for (const rs of store.list(KINDS.replicaSet)) this.queue.add(objectKey(rs.metadata.namespace, rs.metadata.name));
  }

  /** stop ends reconciling. */
  stop(): void {
    this.unsubscribe();
    this.queue.stop();
    for (const t of this.availabilityTimers.values()) this.options.clock.clearTimeout(t);
    this.availabilityTimers.clear();
  }

  private onEvent(e: StoreEvent): void {
    if (e.resource.kind === 'ReplicaSet') {
      this.queue.add(objectKey(e.object.metadata.namespace, e.object.metadata.name));
    } else if (e.resource.kind === 'Pod') {
      const owner = controllerOf(e.object);
      if (owner?.kind === 'ReplicaSet') this.queue.add(objectKey(e.object.metadata.namespace, owner.name));
    } else if (e.resource.kind === 'ServiceAccount' && e.type === 'ADDED') {
      for (const rs of this.store.list(KINDS.replicaSet, e.object.metadata.namespace)) this.queue.add(objectKey(rs.metadata.namespace, rs.metadata.name));
    }
  }

  private reconcile(key: string): void {
    const { namespace, name } = splitKey(key);
    const rs = this.store.get(KINDS.replicaSet, namespace, name);
    if (!rs) return; // the garbage collector removes its pods
    const spec = specOf(rs);
    const template = asJson(spec.template);
    const pods = this.store.list(KINDS.pod, namespace).filter((p) => isOwnedBy(p, rs.metadata.uid));
    const live = pods.filter((p) => !isTerminating(p));
    const want = intOf(spec.replicas, 1);

    let failure: string | undefined;
    if (live.length < want) {
      for (let i = live.length; i < want; i++) {
        const pod = podFromTemplate(rs, template, this.options.clock.now());
        // Admission refuses a pod whose ServiceAccount is missing; retried when one is created.
        failure = serviceAccountRefusal(this.store, pod);
        if (failure) break;
        live.push(this.store.create(KINDS.pod, pod));
      }
    } else if (live.length > want) {
      const doomed = [...live].sort(deletionRank).slice(0, live.length - want);
      for (const pod of doomed) startPodDeletion(this.store, pod, this.options.clock.now());
      const gone = new Set(doomed.map((p) => p.metadata.name));
      live.splice(0, live.length, ...live.filter((p) => !gone.has(p.metadata.name)));
    }
    this.writeStatus(rs, live, template, failure);
  }

  private writeStatus(rs: KubeObject, live: KubeObject[], template: Record<string, unknown>, failure?: string): void {
    const key = objectKey(rs.metadata.namespace, rs.metadata.name);
    const minReadyMs = intOf(specOf(rs).minReadySeconds, 0) * 1000;
    const now = this.options.clock.now();
    const templateLabels = asJson(asJson(template.metadata).labels) as Record<string, string>;
    const ready = live.filter(podIsReady);
    let nextAvailableAt: number | undefined;
    const available = ready.filter((p) => {
      if (minReadyMs === 0) return true;
      const at = (podReadySince(p) ?? now) + minReadyMs;
      if (at <= now) return true;
      nextAvailableAt = nextAvailableAt === undefined ? at : Math.min(nextAvailableAt, at);
      return false;
    });
    const old = this.availabilityTimers.get(key);
    if (old) this.options.clock.clearTimeout(old);
    this.availabilityTimers.delete(key);
    if (nextAvailableAt !== undefined) {
      this.availabilityTimers.set(key, this.options.clock.setTimeout(() => {
        this.availabilityTimers.delete(key);
        this.queue.add(key);
      }, nextAvailableAt - now));
    }
    const previous = statusOf(rs);
    const status: Record<string, unknown> = {
      replicas: live.length,
      fullyLabeledReplicas: live.filter((p) => labelsMatch(templateLabels, p.metadata.labels)).length,
      readyReplicas: ready.length,
      availableReplicas: available.length,
      observedGeneration: rs.metadata.generation ?? 1,
    };
    // ReplicaFailure says why pods could not be created, until one can be.
    const conditions = asList(previous.conditions).filter((c) => c.type !== 'ReplicaFailure');
    if (failure) {
      const old = asList(previous.conditions).find((c) => c.type === 'ReplicaFailure');
      // Each attempt names a new pod; the same refusal keeps the first message, or this write would requeue forever.
      const withoutPod = (m: unknown) => String(m).replace(/^pods "[^"]*"/, '');
      if (old && withoutPod(old.message) === withoutPod(failure)) conditions.push(old);
      else conditions.push({ type: 'ReplicaFailure', status: 'True', lastTransitionTime: timestamp(now), reason: 'FailedCreate', message: failure });
    }
    if (previous.conditions !== undefined || conditions.length > 0) status.conditions = conditions;
    rs.status = status;
    try {
      this.store.update(KINDS.replicaSet, rs, { subresource: 'status' });
    } catch (err) {
      if (!isNotFound(err)) throw err;
    }
  }
}
