// Starts the simulated cluster's in-process machinery beside the object store: the kubelet
// (pod lifecycles), the ServiceAccount, ReplicaSet, Deployment, Job, HorizontalPodAutoscaler and disruption
// (PodDisruptionBudget status) controllers, and the mesh model. The cluster
// (sim/cluster.ts) calls startControllers once and stops it before closing the store.
import type { Faults } from '../faults.js';
import { PodMetrics } from '../metrics.js';
import { createTraffic } from '../mesh/index.js';
import type { Traffic } from '../mesh/index.js';
import type { ObjectStore } from '../store/types.js';
import { realClock } from './clock.js';
import { DeploymentController } from './deployment.js';
import { DisruptionController } from './disruption.js';
import { HorizontalPodAutoscalerController } from './hpa.js';
import { JobController } from './job.js';
import { Kubelet } from './kubelet.js';
import { resolveOptions } from './options.js';
import type { ControllerOptions } from './options.js';
import { ReplicaSetController } from './replicaset.js';
import { ServiceAccountController } from './service-accounts.js';

export type { ControllerOptions, ResolvedOptions } from './options.js';
export { DEFAULT_OPTIONS, resolveOptions } from './options.js';
export type { Clock, TimerHandle } from './clock.js';
export { ManualClock, flushAsync, realClock } from './clock.js';

/** ControllerContext is what the controllers need: the store, the fault rules and the knobs. */
export interface ControllerContext {
  store: ObjectStore;
  faults: Faults;
  options?: ControllerOptions;
}

/** RunningControllers is the handle startControllers returns; startCluster copies `traffic` onto the Cluster. */
export interface RunningControllers {
  /** traffic is the mesh model on the same store and clock (route, startLoad, inspect). */
  traffic: Traffic;
  /** metrics are the pods' CPU utilization the HPA controller reads (ControllerOptions.metrics, or a new one). */
  metrics: PodMetrics;
  stop(): void;
}

/** startControllers subscribes the kubelet, the workload controllers and the mesh model to the store. */
export function startControllers(ctx: ControllerContext): RunningControllers {
  const options = resolveOptions(ctx.options ?? {}, ctx.options?.clock ?? realClock());
  // The kubelet subscribes first so a pod's status is written in the order events arrive.
  const kubelet = new Kubelet(ctx.store, ctx.faults, options);
  // Before the workload controllers: a namespace's `default` ServiceAccount precedes its pods.
  const serviceAccounts = new ServiceAccountController(ctx.store, options);
  const replicaSets = new ReplicaSetController(ctx.store, options);
  const deployments = new DeploymentController(ctx.store, options);
  const jobs = new JobController(ctx.store, options);
  const metrics = ctx.options?.metrics ?? new PodMetrics();
  const autoscalers = new HorizontalPodAutoscalerController(ctx.store, options, metrics);
  const disruption = new DisruptionController(ctx.store, options);
  const traffic = createTraffic(ctx.store, {
    clock: options.clock,
    meshPropagationDelayMs: options.meshPropagationDelayMs,
    seed: ctx.options?.trafficSeed,
  });
  let stopped = false;
  return {
    traffic,
    metrics,
    stop() {
      if (stopped) return;
      stopped = true;
      traffic.stop();
      disruption.stop();
      autoscalers.stop();
      jobs.stop();
      deployments.stop();
      replicaSets.stop();
      serviceAccounts.stop();
      kubelet.stop();
    },
  };
}
