// The cluster as the runner's decisions need it: two Deployments whose controller rolls pods the
// way Kubernetes does (maxSurge 25 % rounded up, maxUnavailable 25 % rounded down, unready old pods
// removed first), pods whose readiness follows their image's behaviour on the fake clock,
// terminating pods that linger for a grace period, and the VirtualService weights and
// DestinationRule subsets. It also remembers when each subset carried traffic, so a pod's removal
// can be judged against the drain.
import { ROLES, type DeploymentRole, type StageValues } from '../../../src/engine/index.js';
import type { DeploymentState, LiveState, ReleaseObjects } from '../../../src/rollout/ports.js';
import { behaviourOf } from './images.js';
import type { World } from './world.js';

/** TERMINATION_GRACE_MS is how long a terminating pod lingers before it is gone. */
export const TERMINATION_GRACE_MS = 5_000;

/** Pod is one pod of a Deployment; times are fake epoch milliseconds, Infinity for never. */
export interface Pod {
  id: number;
  role: DeploymentRole;
  repository: string;
  tag: string;
  createdAt: number;
  readyAt: number;
  /** When a crash-looping pod stops being ready. */
  brokenAt: number;
  terminatingAt?: number;
  goneAt?: number;
  /** Removal of this pod is a plain `deploy` update of production, not a canary step. */
  plainUpdate?: boolean;
}

/** DeploymentSpec is what helm last applied to one Deployment. */
export interface DeploymentSpec {
  name: string;
  role: DeploymentRole;
  repository: string;
  tag: string;
  replicas: number;
}

/** WeightChange is one point of a subset's weight history. */
export interface WeightChange {
  at: number;
  weight: number;
}

const imageOf = (x: { repository: string; tag: string }) => `${x.repository}:${x.tag}`;

/** FakeCluster holds the release's objects and runs the Deployment controller. */
export class FakeCluster {
  readonly deployments: Partial<Record<DeploymentRole, DeploymentSpec>> = {};
  pods: Pod[] = [];
  virtualService: { name: string; weights: Record<DeploymentRole, number> } | undefined;
  destinationRule: { name: string; subsets: string[] } | undefined;
  /** Every weight each subset had, oldest first, from the first install on. */
  readonly weightHistory: Record<DeploymentRole, WeightChange[]> = { production: [], canary: [] };
  private nextPodId = 1;
  /** Bumped whenever the controller runs: the live state cannot change between two bumps. */
  private version = 0;
  private liveCache: { version: number; key: string; live: LiveState } | undefined;

  constructor(private readonly world: World) {}

  /** apply is helm creating or updating the release's objects with `values`, then the controller reacting. */
  apply(values: StageValues, options: { plainUpdate?: boolean } = {}): void {
    const t = this.world.time;
    const { release } = this.world.config;
    for (const role of ROLES) {
      const want = values[role];
      const before = this.deployments[role];
      // A deploy of a new tag while production has all the traffic is a plain rolling update,
      // the one path where pods are replaced under traffic by design.
      if (options.plainUpdate && role === 'production' && before && imageOf(before) !== imageOf(want) && this.weight(role) === 100 && want.weight === 100) {
        for (const p of this.livePods(role)) p.plainUpdate = true;
      }
      this.deployments[role] = { name: `${release}-${role}`, role, repository: want.repository, tag: want.tag, replicas: want.replicas };
    }
    this.virtualService ??= { name: release, weights: { production: 0, canary: 0 } };
    this.destinationRule ??= { name: release, subsets: ['production', 'canary'] };
    for (const role of ROLES) {
      const history = this.weightHistory[role];
      if (history.at(-1)?.weight !== values[role].weight) history.push({ at: t, weight: values[role].weight });
      this.virtualService.weights[role] = values[role].weight;
    }
    this.settle();
  }

  /** weight is the subset's weight now (0 before the first install). */
  weight(role: DeploymentRole): number {
    return this.virtualService?.weights[role] ?? 0;
  }

  /** isReady: a pod is ready between its readyAt and a crash, unless it is terminating. */
  isReady(p: Pod, t = this.world.time): boolean {
    return p.terminatingAt === undefined && p.readyAt <= t && t < p.brokenAt;
  }

  /** livePods are a Deployment's pods that are not terminating. */
  livePods(role: DeploymentRole): Pod[] {
    return this.pods.filter((p) => p.role === role && p.terminatingAt === undefined);
  }

  /** currentPods are the live pods of the Deployment's current ReplicaSet (its template's image). */
  currentPods(role: DeploymentRole): Pod[] {
    const d = this.deployments[role];
    return d ? this.livePods(role).filter((p) => imageOf(p) === imageOf(d)) : [];
  }

  /** readyCurrent counts the ready pods of the current ReplicaSet. */
  readyCurrent(role: DeploymentRole): number {
    return this.currentPods(role).filter((p) => this.isReady(p)).length;
  }

  /** settled: every desired pod is the current ReplicaSet's and ready, no older pod is left. */
  settled(role: DeploymentRole): boolean {
    const d = this.deployments[role];
    if (!d) return false;
    const live = this.livePods(role);
    const current = this.currentPods(role);
    return live.length === current.length && current.length === d.replicas && this.readyCurrent(role) === d.replicas;
  }

  /** releaseSettled is what helm's --wait waits for: every Deployment of the release settled. */
  releaseSettled(): boolean {
    return ROLES.every((r) => this.settled(r));
  }

  /** values are the release's live stage values, or undefined before the first install. */
  values(): StageValues | undefined {
    const p = this.deployments.production;
    const c = this.deployments.canary;
    if (!p || !c || !this.virtualService) return undefined;
    const v = (d: DeploymentSpec) => ({ repository: d.repository, tag: d.tag, replicas: d.replicas, weight: this.weight(d.role) });
    return { production: v(p), canary: v(c) };
  }

  /**
   * live is what a ClusterReader reports for `objects` (see DeploymentState.ready). Fresh objects
   * each call; computed once per controller run, since the runner polls it every 250 ms.
   */
  live(objects: ReleaseObjects): LiveState {
    const key = `${objects.production}|${objects.canary}|${objects.virtualService}|${objects.subsets.production}|${objects.subsets.canary}`;
    if (this.liveCache?.version !== this.version || this.liveCache.key !== key) {
      this.liveCache = { version: this.version, key, live: this.computeLive(objects) };
    }
    const { production, canary, traffic } = this.liveCache.live;
    return {
      production: production && { ...production },
      canary: canary && { ...canary },
      traffic: traffic && { ...traffic, weights: { ...traffic.weights }, subsets: [...traffic.subsets] },
    };
  }

  private computeLive(objects: ReleaseObjects): LiveState {
    const state = (role: DeploymentRole): DeploymentState | undefined => {
      const d = Object.values(this.deployments).find((x) => x?.name === objects[role]);
      if (!d) return undefined;
      const ready = this.readyCurrent(d.role);
      return {
        name: d.name,
        image: imageOf(d),
        repository: d.repository,
        tag: d.tag,
        desired: d.replicas,
        ready,
        updated: this.currentPods(d.role).length,
        available: ready,
        settled: this.settled(d.role),
      };
    };
    const vs = this.virtualService?.name === objects.virtualService ? this.virtualService : undefined;
    const dr = this.destinationRule;
    return {
      production: state('production'),
      canary: state('canary'),
      traffic: vs && {
        virtualService: vs.name,
        weights: { [objects.subsets.production]: vs.weights.production, [objects.subsets.canary]: vs.weights.canary },
        ...(dr ? { destinationRule: dr.name } : {}),
        subsets: dr ? [...dr.subsets] : [],
      },
    };
  }

  /**
   * lastTrafficAt is when `pod` last received traffic before `t`: the end of the latest moment
   * it was ready while its subset's weight was above 0; undefined when it never carried any.
   */
  lastTrafficAt(pod: Pod, t = this.world.time): number | undefined {
    const history = this.weightHistory[pod.role];
    let last: number | undefined;
    history.forEach((change, i) => {
      if (change.weight <= 0) return;
      const from = Math.max(change.at, pod.readyAt);
      const to = Math.min(history[i + 1]?.at ?? Infinity, pod.brokenAt, pod.terminatingAt ?? Infinity, t);
      if (from < to || (from === to && to === t && this.isReady(pod, t))) last = Math.max(last ?? -Infinity, to);
    });
    return last;
  }

  /** nextEventAfter is the next moment a pod becomes ready, breaks or is gone. */
  nextEventAfter(t: number): number | undefined {
    let next: number | undefined;
    for (const p of this.pods) {
      for (const at of [p.readyAt, p.brokenAt, p.goneAt ?? Infinity]) {
        if (at > t && Number.isFinite(at) && (next === undefined || at < next)) next = at;
      }
    }
    return next;
  }

  /** settle drops gone pods and runs the controller until it has nothing more to do now. */
  settle(): void {
    this.version++;
    const t = this.world.time;
    this.pods = this.pods.filter((p) => p.goneAt === undefined || p.goneAt > t);
    for (let round = 0; round < 100; round++) {
      let changed = false;
      for (const role of ROLES) changed = this.reconcile(role) || changed;
      if (!changed) return;
    }
  }

  private create(d: DeploymentSpec): void {
    const t = this.world.time;
    const b = behaviourOf(d.tag);
    const readyAt = b.readyAfterMs === null ? Infinity : t + b.readyAfterMs;
    const brokenAt = b.crashAfterReadyMs === undefined ? Infinity : readyAt + b.crashAfterReadyMs;
    this.pods.push({ id: this.nextPodId++, role: d.role, repository: d.repository, tag: d.tag, createdAt: t, readyAt, brokenAt });
  }

  private terminate(p: Pod, reason: string): void {
    this.world.hooks.beforePodRemoved?.(p, reason);
    p.terminatingAt = this.world.time;
    p.goneAt = this.world.time + TERMINATION_GRACE_MS;
  }

  // Which pods a scale-down removes first: unready ones, then the newest (as the ReplicaSet controller does).
  private byRemovalOrder(pods: Pod[]): Pod[] {
    return [...pods].sort((a, b) => Number(this.isReady(a)) - Number(this.isReady(b)) || b.createdAt - a.createdAt || b.id - a.id);
  }

  // reconcile makes one round of the Deployment controller's decisions; true when it changed something.
  private reconcile(role: DeploymentRole): boolean {
    const d = this.deployments[role];
    if (!d) return false;
    const r = d.replicas;
    const current = this.currentPods(role);
    const old = this.livePods(role).filter((p) => imageOf(p) !== imageOf(d));
    let changed = false;
    if (current.length > r) {
      for (const p of this.byRemovalOrder(current).slice(0, current.length - r)) this.terminate(p, `scale-down of ${d.name} to ${r}`);
      return true;
    }
    if (old.length === 0) {
      for (let n = current.length; n < r; n++) this.create(d);
      return current.length < r;
    }
    if (r === 0) {
      for (const p of old) this.terminate(p, `scale-down of ${d.name} to 0`);
      return true;
    }
    // A rolling update: surge new pods, then remove old ones as far as availability allows.
    const surge = Math.max(1, Math.ceil(r * 0.25));
    const maxUnavailable = Math.floor(r * 0.25);
    let total = current.length + old.length;
    let created = current.length;
    while (created < r && total < r + surge) {
      this.create(d);
      created++;
      total++;
      changed = true;
    }
    const fresh = this.currentPods(role);
    const readyNew = fresh.filter((p) => this.isReady(p)).length;
    const minAvailable = r - maxUnavailable;
    let budget = total - minAvailable - (fresh.length - readyNew);
    for (const p of this.byRemovalOrder(old)) {
      if (budget <= 0) break;
      const readyOld = old.filter((x) => x.terminatingAt === undefined && this.isReady(x)).length;
      if (this.isReady(p) && readyNew + readyOld - 1 < minAvailable) break;
      this.terminate(p, `rolling update of ${d.name} to ${imageOf(d)}`);
      budget--;
      changed = true;
    }
    return changed;
  }
}
