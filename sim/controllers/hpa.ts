// The HorizontalPodAutoscaler controller (autoscaling/v2), for Deployment targets and CPU
// utilization metrics. What it keeps from Kubernetes' controller:
// - replicas outside [minReplicas, maxReplicas] are brought inside without looking at metrics
//   (a chart with `autoscaling.enabled` omits replicas, the API server defaults them to 1, and
//   the HPA then scales to minReplicas: AbleToScale SucceededRescale, no ScalingActive yet, as
//   measured on kube-controller-manager 1.37);
// - a target at 0 replicas means autoscaling is off (ScalingActive False, ScalingDisabled);
// - the pods measured are those the target's own selector matches (the scale subresource's
//   status.selector), so pods outside that selector never count; terminating and finished pods
//   are ignored, and only ready pods' metrics are used;
// - desired = ceil(average utilization / target * measured pods), unchanged within the 10%
//   tolerance, then clamped to the bounds; the conditions AbleToScale, ScalingActive and
//   ScalingLimited read as the real ones do.
// Not modelled: memory and custom/external metrics (their targets are ignored), the 15 s resync
// (it reacts to changes instead), `behavior` (rate limits, the 5-minute scale-down stabilization),
// and unready pods' special treatment on scale-up. Without PodMetrics for the pods' images the
// HPA says so (FailedGetResourceMetric) and only keeps the bounds, as on a cluster without
// metrics-server.
import { recordSubresourceUpdate } from '../api/managed-fields.js';
import type { PodMetrics } from '../metrics.js';
import { KINDS } from '../store/resources.js';
import type { KubeObject, ObjectStore, StoreEvent } from '../store/types.js';
import { asJson, asList, containerImages, intOf, isNotFound, isTerminating, podIsReady, selectorMatches, specOf, statusOf, timestamp } from './objects.js';
import type { Json, LabelSelector } from './objects.js';
import type { ResolvedOptions } from './options.js';
import { WorkQueue, objectKey, splitKey } from './queue.js';

const TOLERANCE = 0.1;

interface Condition {
  type: string;
  status: 'True' | 'False';
  reason: string;
  message: string;
}

/** HorizontalPodAutoscalerController scales each HPA's Deployment and writes the HPA's status. */
export class HorizontalPodAutoscalerController {
  private readonly queue: WorkQueue;
  private readonly unsubscribe: () => void;
  private readonly unsubscribeMetrics: () => void;

  constructor(
    private readonly store: ObjectStore,
    private readonly options: ResolvedOptions,
    private readonly metrics: PodMetrics,
  ) {
    this.queue = new WorkQueue(
      (key) => this.reconcile(key),
      (key, err) => options.onError(err, `horizontalpodautoscaler ${key}`),
    );
    this.unsubscribe = store.subscribe((e) => this.onEvent(e));
    this.unsubscribeMetrics = metrics.onChange(() => this.queueAll());
    this.queueAll();
  }

  /** stop ends reconciling. */
  stop(): void {
    this.unsubscribe();
    this.unsubscribeMetrics();
    this.queue.stop();
  }

  private queueAll(namespace?: string): void {
    for (const hpa of this.store.list(KINDS.horizontalPodAutoscaler, namespace)) this.queue.add(objectKey(hpa.metadata.namespace, hpa.metadata.name));
  }

  private onEvent(e: StoreEvent): void {
    const kind = e.resource.kind;
    if (kind === 'HorizontalPodAutoscaler') {
      if (e.type !== 'DELETED') this.queue.add(objectKey(e.object.metadata.namespace, e.object.metadata.name));
    } else if (kind === 'Deployment' || kind === 'Pod') {
      this.queueAll(e.object.metadata.namespace);
    }
  }

  private reconcile(key: string): void {
    const { namespace, name } = splitKey(key);
    const hpa = this.store.get(KINDS.horizontalPodAutoscaler, namespace, name);
    if (!hpa) return;
    const spec = specOf(hpa);
    const ref = asJson(spec.scaleTargetRef);
    const minReplicas = intOf(spec.minReplicas, 1);
    const maxReplicas = intOf(spec.maxReplicas, minReplicas);
    const previous = statusOf(hpa);
    const status: Json = { ...(previous.lastScaleTime ? { lastScaleTime: previous.lastScaleTime } : {}), observedGeneration: hpa.metadata.generation ?? 1 };

    const target = ref.kind === 'Deployment' && String(ref.apiVersion ?? '').startsWith('apps/') ? this.store.get(KINDS.deployment, namespace, String(ref.name)) : undefined;
    if (!target) {
      const what = ref.kind === 'Deployment' ? `deployments/scale.apps "${String(ref.name)}" not found` : `no scale for ${String(ref.kind)} "${String(ref.name)}" in the simulator`;
      status.currentReplicas = intOf(previous.currentReplicas, 0);
      status.desiredReplicas = 0;
      this.writeStatus(hpa, status, [
        { type: 'AbleToScale', status: 'False', reason: 'FailedGetScale', message: `the HPA controller was unable to get the target's current scale: ${what}` },
      ]);
      return;
    }

    const current = intOf(specOf(target).replicas, 1);
    const conditions: Condition[] = [{ type: 'AbleToScale', status: 'True', reason: 'SucceededGetScale', message: "the HPA controller was able to get the target's current scale" }];
    let desired = current;
    // Out of bounds the count is corrected without looking at metrics (nor saying anything of them).
    if (current === 0 && minReplicas !== 0) {
      conditions.push({ type: 'ScalingActive', status: 'False', reason: 'ScalingDisabled', message: 'scaling is disabled since the replica count of the target is zero' });
    } else if (current > maxReplicas) {
      desired = maxReplicas;
    } else if (current < minReplicas) {
      desired = minReplicas;
    } else {
      const proposed = this.fromMetrics(hpa, target, current, conditions, status);
      if (proposed !== undefined) {
        desired = Math.min(maxReplicas, Math.max(minReplicas, proposed));
        if (proposed > maxReplicas) conditions.push({ type: 'ScalingLimited', status: 'True', reason: 'TooManyReplicas', message: 'the desired replica count is more than the maximum replica count' });
        else if (proposed < minReplicas) conditions.push({ type: 'ScalingLimited', status: 'True', reason: 'TooFewReplicas', message: 'the desired replica count is less than the minimum replica count' });
        else conditions.push({ type: 'ScalingLimited', status: 'False', reason: 'DesiredWithinRange', message: 'the desired count is within the acceptable range' });
      }
    }
    if (status.currentMetrics === undefined) status.currentMetrics = null;
    if (desired !== current) {
      (target.spec as Json).replicas = desired;
      // Written through the scale subresource, which owns spec.replicas from then on.
      recordSubresourceUpdate(target, 'kube-controller-manager', 'scale', 'apps/v1', [['f:spec', 'f:replicas']]);
      try {
        this.store.update(KINDS.deployment, target);
      } catch (err) {
        if (isNotFound(err)) return;
        throw err;
      }
      status.lastScaleTime = timestamp(this.options.clock.now());
      conditions[0] = { type: 'AbleToScale', status: 'True', reason: 'SucceededRescale', message: `the HPA controller was able to update the target scale to ${desired}` };
    }
    status.currentReplicas = current;
    status.desiredReplicas = desired;
    this.writeStatus(hpa, status, conditions);
  }

  // fromMetrics proposes a replica count from the CPU utilization metrics (undefined when there is
  // none to go by: the count then stays) and adds the ScalingActive condition and currentMetrics.
  private fromMetrics(hpa: KubeObject, target: KubeObject, current: number, conditions: Condition[], status: Json): number | undefined {
    const cpuTarget = asList(specOf(hpa).metrics)
      .map((m) => (m.type === 'Resource' ? asJson(m.resource) : {}))
      .find((r) => r.name === 'cpu' && asJson(r.target).type === 'Utilization');
    const targetUtilization = cpuTarget ? intOf(asJson(cpuTarget.target).averageUtilization, 0) : 0;
    if (!cpuTarget || targetUtilization <= 0) {
      conditions.push({ type: 'ScalingActive', status: 'False', reason: 'FailedGetResourceMetric', message: 'the HPA was unable to compute the replica count: no CPU utilization target the simulator models' });
      return undefined;
    }
    const selector = asJson(specOf(target).selector) as LabelSelector;
    const measured = this.store
      .list(KINDS.pod, target.metadata.namespace)
      .filter((p) => selectorMatches(selector, p.metadata.labels) && !isTerminating(p))
      .filter((p) => statusOf(p).phase !== 'Succeeded' && statusOf(p).phase !== 'Failed' && podIsReady(p))
      .map((p) => this.metrics.cpuUtilization(containerImages(specOf(p))))
      .filter((u): u is number => u !== undefined);
    if (measured.length === 0) {
      conditions.push({
        type: 'ScalingActive',
        status: 'False',
        reason: 'FailedGetResourceMetric',
        message: 'the HPA was unable to compute the replica count: failed to get cpu utilization: unable to get metrics for resource cpu: no metrics returned from resource metrics API',
      });
      return undefined;
    }
    const average = measured.reduce((a, b) => a + b, 0) / measured.length;
    status.currentMetrics = [{ type: 'Resource', resource: { name: 'cpu', current: { averageUtilization: Math.round(average) } } }];
    conditions.push({ type: 'ScalingActive', status: 'True', reason: 'ValidMetricFound', message: 'the HPA was able to successfully calculate a replica count from cpu resource utilization (percentage of request)' });
    const ratio = average / targetUtilization;
    if (Math.abs(ratio - 1) <= TOLERANCE) return current;
    return Math.ceil(ratio * measured.length);
  }

  private writeStatus(hpa: KubeObject, status: Json, conditions: Condition[]): void {
    const now = timestamp(this.options.clock.now());
    const previous = asList(statusOf(hpa).conditions);
    status.conditions = conditions.map((c) => {
      const old = previous.find((p) => p.type === c.type);
      return { ...c, lastTransitionTime: old?.status === c.status ? old.lastTransitionTime : now };
    });
    hpa.status = status;
    try {
      this.store.update(KINDS.horizontalPodAutoscaler, hpa, { subresource: 'status' });
    } catch (err) {
      if (!isNotFound(err)) throw err;
    }
  }
}
