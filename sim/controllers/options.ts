// The knobs of the simulated cluster's controllers and mesh, with defaults that keep tests fast
// while leaving every intermediate state (Pending, terminating, not yet propagated) observable.
import type { PodMetrics } from '../metrics.js';
import type { Clock } from './clock.js';

/** ControllerOptions tune the simulated kubelet, controllers and mesh; every field is optional. */
export interface ControllerOptions {
  /** Time from a pod's creation until it runs and passes its readiness check. Default 50 ms. */
  podReadyDelayMs?: number;
  /** Time a run-to-completion pod (a Job's: restartPolicy Never/OnFailure) runs before it exits. Default 50 ms. */
  podRunToCompletionMs?: number;
  /** Time a deleted pod stays terminating before the kubelet removes it, at most its grace period. Default 10 ms. */
  podTerminationDelayMs?: number;
  /** How long VirtualService, DestinationRule and endpoint changes take to reach Envoy. Default 100 ms. */
  meshPropagationDelayMs?: number;
  /** First crash-loop back-off; doubles per restart up to crashLoopMaxBackOffMs. Default 100 ms. */
  crashLoopBackOffMs?: number;
  /** Longest crash-loop back-off (Kubernetes: 5 minutes). Default 2000 ms. */
  crashLoopMaxBackOffMs?: number;
  /** Seed for the mesh's weighted choices, for reproducible splits; Math.random when absent. */
  trafficSeed?: number;
  /** The pods' CPU utilization the HPA controller reads; a new, empty PodMetrics when absent. */
  metrics?: PodMetrics;
  /** The clock every delay runs on; the wall clock when absent (tests pass a ManualClock). */
  clock?: Clock;
  /** Called when a reconcile fails unexpectedly; defaults to console.error. */
  onError?: (err: unknown, where: string) => void;
}

/** ResolvedOptions is ControllerOptions with every default filled in. */
export type ResolvedOptions = Required<Omit<ControllerOptions, 'clock' | 'onError' | 'trafficSeed' | 'metrics'>> & {
  clock: Clock;
  onError: (err: unknown, where: string) => void;
};

/** DEFAULT_OPTIONS are the delays used when a field is absent. */
export const DEFAULT_OPTIONS = {
  podReadyDelayMs: 50,
  podRunToCompletionMs: 50,
  podTerminationDelayMs: 10,
  meshPropagationDelayMs: 100,
  crashLoopBackOffMs: 100,
  crashLoopMaxBackOffMs: 2000,
} as const;

/** resolveOptions fills defaults; the clock is passed in so one instance is shared by all parts. */
export function resolveOptions(options: ControllerOptions, clock: Clock): ResolvedOptions {
  const pick = (v: number | undefined, d: number): number => (typeof v === 'number' && v >= 0 && Number.isFinite(v) ? v : d);
  return {
    podReadyDelayMs: pick(options.podReadyDelayMs, DEFAULT_OPTIONS.podReadyDelayMs),
    podRunToCompletionMs: pick(options.podRunToCompletionMs, DEFAULT_OPTIONS.podRunToCompletionMs),
    podTerminationDelayMs: pick(options.podTerminationDelayMs, DEFAULT_OPTIONS.podTerminationDelayMs),
    meshPropagationDelayMs: pick(options.meshPropagationDelayMs, DEFAULT_OPTIONS.meshPropagationDelayMs),
    crashLoopBackOffMs: Math.max(1, pick(options.crashLoopBackOffMs, DEFAULT_OPTIONS.crashLoopBackOffMs)),
    crashLoopMaxBackOffMs: Math.max(1, pick(options.crashLoopMaxBackOffMs, DEFAULT_OPTIONS.crashLoopMaxBackOffMs)),
    clock,
    onError: options.onError ?? ((err, where) => console.error(`sim controller error in ${where}:`, err)),
  };
}
