// The Job controller, reduced to what helm's hooks need: a Job runs `completions` pods (at most
// `parallelism` at a time) until that many have succeeded, then it is Complete; after more than
// `backoffLimit` failed pods it is Failed. helm waits on a hook Job until one of those conditions
// is True (helm 3 reads the conditions, helm 4's status reader too), so the conditions and counts
// are written as Kubernetes 1.32 writes them: SuccessCriteriaMet then Complete, FailureTarget then
// Failed. Not modelled: indexed completion, pod failure policies, success policies, finalizers
// for pod tracking, TTL after finished, activeDeadlineSeconds, suspend beyond not starting pods.
import { KINDS } from '../store/resources.js';
import { serviceAccountRefusal } from '../store/service-accounts.js';
import type { KubeObject, ObjectStore, StoreEvent } from '../store/types.js';
import { asJson, asList, controllerOf, intOf, isNotFound, isOwnedBy, isTerminating, podIsReady, specOf, statusOf, timestamp } from './objects.js';
import type { Json } from './objects.js';
import type { ResolvedOptions } from './options.js';
import { podFromTemplate, startPodDeletion } from './owned-pods.js';
import { WorkQueue, objectKey, splitKey } from './queue.js';

/** jobFinished returns the Job's terminal condition type (Complete or Failed) when it has one. */
export function jobFinished(job: KubeObject): 'Complete' | 'Failed' | undefined {
  for (const c of asList(statusOf(job).conditions)) {
    if ((c.type === 'Complete' || c.type === 'Failed') && c.status === 'True') return c.type;
  }
  return undefined;
}

/** JobController creates a Job's pods and writes its status until it finishes. */
export class JobController {
  private readonly queue: WorkQueue;
  private readonly unsubscribe: () => void;

  constructor(
    private readonly store: ObjectStore,
    private readonly options: ResolvedOptions,
  ) {
    this.queue = new WorkQueue(
      (key) => this.reconcile(key),
      (key, err) => options.onError(err, `job ${key}`),
    );
    this.unsubscribe = store.subscribe((e) => this.onEvent(e));
    for (const job of store.list(KINDS.job)) this.queue.add(objectKey(job.metadata.namespace, job.metadata.name));
  }

  /** stop ends reconciling. */
  stop(): void {
    this.unsubscribe();
    this.queue.stop();
  }

  private onEvent(e: StoreEvent): void {
    if (e.resource.kind === 'Job') {
      if (e.type !== 'DELETED') this.queue.add(objectKey(e.object.metadata.namespace, e.object.metadata.name));
    } else if (e.resource.kind === 'Pod') {
      const owner = controllerOf(e.object);
      if (owner?.kind === 'Job') this.queue.add(objectKey(e.object.metadata.namespace, owner.name));
    } else if (e.resource.kind === 'ServiceAccount' && e.type === 'ADDED') {
      for (const job of this.store.list(KINDS.job, e.object.metadata.namespace)) this.queue.add(objectKey(job.metadata.namespace, job.metadata.name));
    }
  }

  private reconcile(key: string): void {
    const { namespace, name } = splitKey(key);
    const job = this.store.get(KINDS.job, namespace, name);
    if (!job || isTerminating(job) || jobFinished(job)) return;
    const spec = specOf(job);
    const pods = this.store.list(KINDS.pod, namespace).filter((p) => isOwnedBy(p, job.metadata.uid));
    const phase = (p: KubeObject): unknown => statusOf(p).phase;
    const succeeded = pods.filter((p) => phase(p) === 'Succeeded').length;
    const failed = pods.filter((p) => phase(p) === 'Failed').length;
    const active = pods.filter((p) => !isTerminating(p) && phase(p) !== 'Succeeded' && phase(p) !== 'Failed');
    const completions = intOf(spec.completions, 1);
    const parallelism = intOf(spec.parallelism, 1);
    const backoffLimit = intOf(spec.backoffLimit, 6);
    const now = timestamp(this.options.clock.now());
    const status = statusOf(job);

    let finished: { type: 'Complete' | 'Failed'; interim: string; reason: string; message: string } | undefined;
    if (succeeded >= completions) {
      finished = { type: 'Complete', interim: 'SuccessCriteriaMet', reason: 'CompletionsReached', message: 'Reached expected number of succeeded pods' };
    } else if (failed > backoffLimit) {
      finished = { type: 'Failed', interim: 'FailureTarget', reason: 'BackoffLimitExceeded', message: 'Job has reached the specified backoff limit' };
    }
    if (finished) {
      for (const pod of active) startPodDeletion(this.store, pod, this.options.clock.now());
    } else if (spec.suspend !== true) {
      const want = Math.min(parallelism, completions - succeeded);
      for (let i = active.length; i < want; i++) {
        const pod = podFromTemplate(job, asJson(specOf(job).template), this.options.clock.now());
        // Admission refuses a pod whose ServiceAccount is missing (a hook running as one its
        // release has not created yet): no pod, the Job waits; retried when one is created.
        if (serviceAccountRefusal(this.store, pod)) break;
        active.push(this.store.create(KINDS.pod, pod));
      }
    }

    const next: Json = {
      ...(typeof status.startTime === 'string' ? { startTime: status.startTime } : spec.suspend === true ? {} : { startTime: now }),
      ...(finished || active.length === 0 ? {} : { active: active.length }),
      ...(succeeded > 0 ? { succeeded } : {}),
      ...(failed > 0 ? { failed } : {}),
      ready: active.filter(podIsReady).length,
      terminating: pods.filter(isTerminating).length,
      uncountedTerminatedPods: {},
    };
    if (finished) {
      const condition = (type: string): Json => ({ type, status: 'True', lastProbeTime: now, lastTransitionTime: now, reason: finished.reason, message: finished.message });
      next.conditions = [...asList(status.conditions), condition(finished.interim), condition(finished.type)];
      if (finished.type === 'Complete') next.completionTime = now;
    } else if (status.conditions !== undefined) {
      next.conditions = status.conditions;
    }
    job.status = next;
    try {
      this.store.update(KINDS.job, job, { subresource: 'status' });
    } catch (err) {
      if (!isNotFound(err)) throw err;
    }
  }

}
