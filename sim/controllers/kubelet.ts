// The simulated kubelet: what happens to a pod after the ReplicaSet controller created it.
// No containers run; a pod's life is a few timed status writes: Pending at creation, then
// Running and Ready after `podReadyDelayMs` (a run-to-completion pod, restartPolicy Never or
// OnFailure, then Succeeded after `podRunToCompletionMs`), unless a fault says the image never gets ready or
// crash-loops, or a readiness probe names a port the container lacks (probes are not run
// otherwise; a fault may also turn pods that already run an image unready or crash-looping, see
// Faults.setImageBehaviour's `existingPods`). Deletion is graceful as on a real node: the pod carries a deletionTimestamp for
// `podTerminationDelayMs` (Envoy may still send it requests meanwhile), or for its grace period
// (deletionGracePeriodSeconds) when that is shorter, then it is removed. A grace period of 0 never
// reaches the kubelet: the API server removes such a pod at once (../store/pod-deletion.ts).
import type { Faults, PodBehaviour } from '../faults.js';
import { KINDS } from '../store/resources.js';
import type { KubeObject, ObjectStore, StoreEvent } from '../store/types.js';
import type { TimerHandle } from './clock.js';
import { asJson, asList, containerImages, isNotFound, isTerminating, podIsReady, specOf, statusOf, timestamp } from './objects.js';
import type { Json } from './objects.js';
import type { ResolvedOptions } from './options.js';
import { objectKey } from './queue.js';

/**
 * runsToCompletion tells whether a pod's containers are meant to exit (a Job's pods: restartPolicy
 * Never or OnFailure) rather than serve until deleted (Always, the default).
 */
export function runsToCompletion(pod: KubeObject): boolean {
  const policy = specOf(pod).restartPolicy;
  return policy === 'Never' || policy === 'OnFailure';
}

/**
 * probesUnknownPort tells whether a container's readiness probe names a port (`port: http`) the
 * container does not declare: the kubelet's probe then fails every time and the pod never
 * becomes ready. (The probes are otherwise not run: a pod's readiness comes from the faults.)
 */
export function probesUnknownPort(pod: KubeObject): boolean {
  return asList(specOf(pod).containers).some((c) => {
    const probe = asJson(c.readinessProbe);
    const port = asJson(probe.httpGet).port ?? asJson(probe.tcpSocket).port ?? asJson(probe.grpc).port;
    if (typeof port !== 'string' || /^\d+$/.test(port)) return false;
    return !asList(c.ports).some((p) => p.name === port);
  });
}

/**
 * terminationDelay is how long a deleted pod stays terminating: the termination delay, or the
 * grace period when shorter (kwok as test/control-plane configures it does the same).
 * terminationDelay(10, 30) is 10; terminationDelay(3000, 1) is 1000; terminationDelay(3000) is 3000.
 * See test/sim/parity-pod-termination.test.ts.
 */
export function terminationDelay(delayMs: number, graceSeconds?: number): number {
  return graceSeconds === undefined ? delayMs : Math.min(delayMs, graceSeconds * 1000);
}

interface PodLife {
  namespace: string;
  name: string;
  timer?: TimerHandle;
  terminating: boolean;
  /** The grace period of the deletion the removal is scheduled for. */
  graceSeconds?: number;
  restarts: number;
}

/** Kubelet drives every pod's status from creation to removal. */
export class Kubelet {
  private readonly lives = new Map<string, PodLife>();
  private readonly unsubscribe: () => void;
  private readonly unsubscribeFaults: () => void;
  private nextIp = 10;

  constructor(
    private readonly store: ObjectStore,
    private readonly faults: Faults,
    private readonly options: ResolvedOptions,
  ) {
    this.unsubscribe = store.subscribe((e) => this.onEvent(e));
    this.unsubscribeFaults = faults.onExistingPods((image, behaviour) => this.changeRunning(image, behaviour));
    // Pods that existed before we started (a restarted simulator) pick up where they are.
    for (const pod of store.list(KINDS.pod)) this.track(pod);
  }

  /** stop cancels every pending pod transition. */
  stop(): void {
    this.unsubscribe();
    this.unsubscribeFaults();
    for (const life of this.lives.values()) if (life.timer) this.options.clock.clearTimeout(life.timer);
    this.lives.clear();
  }

  private onEvent(e: StoreEvent): void {
    if (e.resource.kind !== 'Pod') return;
    const uid = e.object.metadata.uid ?? objectKey(e.object.metadata.namespace, e.object.metadata.name);
    if (e.type === 'DELETED') {
      const life = this.lives.get(uid);
      if (life?.timer) this.options.clock.clearTimeout(life.timer);
      this.lives.delete(uid);
      return;
    }
    this.track(e.object);
  }

  private track(pod: KubeObject): void {
    const uid = pod.metadata.uid ?? objectKey(pod.metadata.namespace, pod.metadata.name);
    let life = this.lives.get(uid);
    if (!life) {
      life = { namespace: pod.metadata.namespace ?? '', name: pod.metadata.name, terminating: false, restarts: 0 };
      this.lives.set(uid, life);
      const phase = statusOf(pod).phase;
      if (!isTerminating(pod) && !podIsReady(pod) && phase !== 'Running' && phase !== 'Succeeded' && phase !== 'Failed') {
        const l = life;
        const delay = this.faults.podReadyDelay(containerImages(specOf(pod))) ?? this.options.podReadyDelayMs;
        this.schedule(l, delay, () => this.start(l));
      }
    }
    if (!isTerminating(pod)) return;
    const grace = pod.metadata.deletionGracePeriodSeconds;
    const graceSeconds = typeof grace === 'number' && grace >= 0 ? grace : undefined;
    // A second DELETE may shorten the grace period; the removal then comes sooner.
    const shortened = graceSeconds !== undefined && (life.graceSeconds === undefined || graceSeconds < life.graceSeconds);
    if (life.terminating && !shortened) return;
    life.terminating = true;
    life.graceSeconds = graceSeconds;
    const l = life;
    this.schedule(l, terminationDelay(this.options.podTerminationDelayMs, graceSeconds), () => this.remove(l));
  }

  private schedule(life: PodLife, ms: number, fn: () => void): void {
    if (life.timer) this.options.clock.clearTimeout(life.timer);
    life.timer = this.options.clock.setTimeout(() => {
      life.timer = undefined;
      try {
        fn();
      } catch (err) {
        if (!isNotFound(err)) this.options.onError(err, `kubelet ${life.namespace}/${life.name}`);
      }
    }, ms);
  }

  // The containers started: what they do next is up to the fault rules for their images.
  private start(life: PodLife): void {
    const pod = this.store.get(KINDS.pod, life.namespace, life.name);
    if (!pod || isTerminating(pod)) return;
    const fromFaults = this.faults.podBehaviour(containerImages(specOf(pod)));
    const behaviour = fromFaults === 'ready' && probesUnknownPort(pod) ? 'never-ready' : fromFaults;
    const now = this.options.clock.now();
    const status = statusOf(pod);
    status.phase = 'Running';
    status.hostIP = '10.0.0.1';
    if (typeof status.podIP !== 'string') {
      const n = this.nextIp++;
      status.podIP = `10.244.${Math.floor(n / 250) % 256}.${(n % 250) + 1}`;
      status.podIPs = [{ ip: status.podIP }];
    }
    if (typeof status.startTime !== 'string') status.startTime = timestamp(now);
    const once = runsToCompletion(pod);
    if (once && behaviour === 'crash-loop' && specOf(pod).restartPolicy === 'Never') {
      // A container that fails in a pod that never restarts fails the pod (its Job counts it).
      this.writeStatus(pod, status, 'crash-loop', now);
      this.schedule(life, this.options.podRunToCompletionMs, () => this.finish(life, false));
      return;
    }
    this.writeStatus(pod, status, behaviour, now);
    if (behaviour === 'crash-loop') this.scheduleCrash(life);
    else if (once && behaviour === 'ready') this.schedule(life, this.options.podRunToCompletionMs, () => this.finish(life, true));
  }

  // A run-to-completion pod's containers exited: Succeeded (exit 0) or Failed (exit 1). The pod
  // stays until its owner (a Job) or someone else deletes it, as on a real node.
  private finish(life: PodLife, succeeded: boolean): void {
    const pod = this.store.get(KINDS.pod, life.namespace, life.name);
    if (!pod || isTerminating(pod)) return;
    const status = statusOf(pod);
    const since = timestamp(this.options.clock.now());
    const previous = asList(status.conditions);
    const condition = (type: string, value: boolean, extra: Json = {}): Json => {
      const old = previous.find((c) => c.type === type);
      const s = value ? 'True' : 'False';
      return { type, status: s, lastProbeTime: null, lastTransitionTime: old?.status === s ? old.lastTransitionTime : since, ...extra };
    };
    const reason = succeeded ? 'PodCompleted' : 'PodFailed';
    status.phase = succeeded ? 'Succeeded' : 'Failed';
    status.conditions = [
      condition('PodReadyToStartContainers', false),
      condition('Initialized', true, { reason: 'PodCompleted' }),
      condition('Ready', false, { reason }),
      condition('ContainersReady', false, { reason }),
      condition('PodScheduled', true),
    ];
    status.containerStatuses = asList(specOf(pod).containers).map((c) => ({
      name: c.name,
      image: c.image,
      imageID: `sim://${String(c.image)}`,
      containerID: `sim://${pod.metadata.uid ?? ''}/${String(c.name)}`,
      ready: false,
      started: false,
      restartCount: 0,
      state: { terminated: { exitCode: succeeded ? 0 : 1, reason: succeeded ? 'Completed' : 'Error', startedAt: String(status.startTime ?? since), finishedAt: since } },
    }));
    pod.status = status;
    this.store.update(KINDS.pod, pod, { subresource: 'status' });
  }

  // A fault changed what running pods of `image` do: their containers fail (or recover) now. Pods
  // still starting pick the behaviour up when they start; terminating pods are left alone.
  private changeRunning(image: string, behaviour: PodBehaviour): void {
    for (const life of this.lives.values()) {
      if (life.terminating) continue;
      const pod = this.store.get(KINDS.pod, life.namespace, life.name);
      if (!pod || isTerminating(pod) || statusOf(pod).phase !== 'Running') continue;
      if (!containerImages(specOf(pod)).includes(image)) continue;
      if (life.timer) this.options.clock.clearTimeout(life.timer);
      life.timer = undefined;
      if (behaviour === 'crash-loop') life.restarts += 1;
      this.writeStatus(pod, statusOf(pod), behaviour, this.options.clock.now(), life.restarts);
      if (behaviour === 'crash-loop') this.scheduleCrash(life);
    }
  }

  // Each restart doubles the back-off, as the kubelet does, so a crash loop stays cheap.
  private scheduleCrash(life: PodLife): void {
    const backOff = Math.min(this.options.crashLoopMaxBackOffMs, this.options.crashLoopBackOffMs * 2 ** life.restarts);
    this.schedule(life, backOff, () => {
      const pod = this.store.get(KINDS.pod, life.namespace, life.name);
      if (!pod || isTerminating(pod)) return;
      life.restarts += 1;
      this.writeStatus(pod, statusOf(pod), 'crash-loop', this.options.clock.now(), life.restarts);
      this.scheduleCrash(life);
    });
  }

  private writeStatus(pod: KubeObject, status: Json, behaviour: PodBehaviour, now: number, restarts = 0): void {
    const ready = behaviour === 'ready';
    const containers = asList(specOf(pod).containers);
    const names = containers.map((c) => String(c.name));
    const since = timestamp(now);
    const previous = asList(status.conditions);
    // lastTransitionTime only moves when the condition's status changes.
    const condition = (type: string, value: boolean, extra: Json = {}): Json => {
      const old = previous.find((c) => c.type === type);
      const s = value ? 'True' : 'False';
      return { type, status: s, lastProbeTime: null, lastTransitionTime: old?.status === s ? old.lastTransitionTime : since, ...extra };
    };
    const notReady = ready ? {} : { reason: 'ContainersNotReady', message: `containers with unready status: [${names.join(' ')}]` };
    status.conditions = [
      condition('PodReadyToStartContainers', true),
      condition('Initialized', true),
      condition('Ready', ready, notReady),
      condition('ContainersReady', ready, notReady),
      condition('PodScheduled', true),
    ];
    status.containerStatuses = containers.map((c) => {
      const base = { name: c.name, image: c.image, imageID: `sim://${String(c.image)}`, containerID: `sim://${pod.metadata.uid ?? ''}/${String(c.name)}` };
      if (behaviour === 'crash-loop') {
        return {
          ...base,
          ready: false,
          started: false,
          restartCount: restarts,
          state: { waiting: { reason: 'CrashLoopBackOff', message: `back-off restarting failed container ${String(c.name)} in pod ${pod.metadata.name}` } },
          lastState: { terminated: { exitCode: 1, reason: 'Error', startedAt: since, finishedAt: since } },
        };
      }
      return { ...base, ready, started: true, restartCount: 0, state: { running: { startedAt: since } } };
    });
    pod.status = status;
    this.store.update(KINDS.pod, pod, { subresource: 'status' });
  }

  private remove(life: PodLife): void {
    try {
      this.store.delete(KINDS.pod, life.namespace, life.name);
    } catch (err) {
      if (!isNotFound(err)) throw err;
    }
  }
}
