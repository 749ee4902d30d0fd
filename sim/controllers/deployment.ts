// The Deployment controller: one ReplicaSet per pod template, rolling updates within
// maxSurge/maxUnavailable (or Recreate), and the status both helm waiters read:
// helm 3 wants observedGeneration and a ReplicaSet owned by the Deployment with the same
// template and enough readyReplicas; helm 4 (kstatus) wants the replica counts and the
// Available and Progressing conditions (reason NewReplicaSetAvailable once complete).
// Everything that needs no waiting (no pods to start) settles in the same drain of the work
// queue, so a `--wait` that checks right after its apply succeeds at once.
import { KINDS } from '../store/resources.js';
import type { KubeObject, ObjectStore, StoreEvent } from '../store/types.js';
import type { TimerHandle } from './clock.js';
import { asJson, asList, controllerOf, intOf, isNotFound, isOwnedBy, ownerReferenceTo, specOf, statusOf, timestamp } from './objects.js';
import type { Json, LabelSelector } from './objects.js';
import type { ResolvedOptions } from './options.js';
import { WorkQueue, objectKey, splitKey } from './queue.js';
import { newReplicaSetTarget, oldReplicaSetTargets, resolveFenceposts } from './rollout-math.js';
import type { ReplicaCounts } from './rollout-math.js';
import { TEMPLATE_HASH_LABEL, sameTemplate, templateHash } from './template-hash.js';

const REVISION_ANNOTATION = 'deployment.kubernetes.io/revision';
const DESIRED_ANNOTATION = 'deployment.kubernetes.io/desired-replicas';
const MAX_REPLICAS_ANNOTATION = 'deployment.kubernetes.io/max-replicas';

function counts(rs: KubeObject): ReplicaCounts {
  return { desired: intOf(specOf(rs).replicas, 0), available: intOf(statusOf(rs).availableReplicas, 0) };
}

function revisionOf(rs: KubeObject): number {
  const n = Number(rs.metadata.annotations?.[REVISION_ANNOTATION]);
  return Number.isFinite(n) ? n : 0;
}

function byAge(a: KubeObject, b: KubeObject): number {
  const t = String(a.metadata.creationTimestamp ?? '').localeCompare(String(b.metadata.creationTimestamp ?? ''));
  return t !== 0 ? t : revisionOf(a) - revisionOf(b);
}

/** DeploymentController turns Deployments into ReplicaSets and reports their rollout. */
export class DeploymentController {
  private readonly queue: WorkQueue;
  private readonly unsubscribe: () => void;
  // Progress deadlines need a recheck even when nothing else happens.
  private readonly deadlineTimers = new Map<string, TimerHandle>();
  private readonly lastProgress = new Map<string, number>();

  constructor(
    private readonly store: ObjectStore,
    private readonly options: ResolvedOptions,
  ) {
    this.queue = new WorkQueue(
      (key) => this.reconcile(key),
      (key, err) => options.onError(err, `deployment ${key}`),
    );
    this.unsubscribe = store.subscribe((e) => this.onEvent(e));
    for (const d of store.list(KINDS.deployment)) this.queue.add(objectKey(d.metadata.namespace, d.metadata.name));
  }

  /** stop ends reconciling and cancels deadline checks. */
  stop(): void {
    this.unsubscribe();
    this.queue.stop();
    for (const t of this.deadlineTimers.values()) this.options.clock.clearTimeout(t);
    this.deadlineTimers.clear();
  }

  private onEvent(e: StoreEvent): void {
    if (e.resource.kind === 'Deployment') {
      this.queue.add(objectKey(e.object.metadata.namespace, e.object.metadata.name));
    } else if (e.resource.kind === 'ReplicaSet') {
      const owner = controllerOf(e.object);
      if (owner?.kind === 'Deployment') this.queue.add(objectKey(e.object.metadata.namespace, owner.name));
    } else if (e.resource.kind === 'Pod' && e.type === 'DELETED') {
      // A Recreate rollout waits for the last old pod to be gone, which changes no ReplicaSet.
      const rsRef = controllerOf(e.object);
      if (rsRef?.kind !== 'ReplicaSet') return;
      const rs = this.store.get(KINDS.replicaSet, e.object.metadata.namespace, rsRef.name);
      const owner = rs ? controllerOf(rs) : undefined;
      if (owner?.kind === 'Deployment') this.queue.add(objectKey(e.object.metadata.namespace, owner.name));
    }
  }

  private reconcile(key: string): void {
    const { namespace, name } = splitKey(key);
    const d = this.store.get(KINDS.deployment, namespace, name);
    if (!d) {
      this.clearDeadline(key);
      this.lastProgress.delete(key);
      return; // the garbage collector removes its ReplicaSets
    }
    const spec = specOf(d);
    const owned = this.store
      .list(KINDS.replicaSet, namespace)
      .filter((rs) => isOwnedBy(rs, d.metadata.uid))
      .sort(byAge);
    let newRs = owned.find((rs) => sameTemplate(specOf(rs).template, spec.template));
    const old = owned.filter((rs) => rs !== newRs);
    const replicas = intOf(spec.replicas, 1);
    const strategy = asJson(spec.strategy);
    const paused = spec.paused === true;

    if (!paused) {
      if (strategy.type === 'Recreate') {
        newRs = this.recreate(d, newRs, old, replicas);
      } else {
        newRs = this.rollingUpdate(d, newRs, old, replicas);
      }
      this.pruneHistory(d, old);
    } else if (newRs && intOf(specOf(newRs).replicas, 0) !== replicas && old.every((rs) => counts(rs).desired === 0)) {
      // A paused Deployment still scales; it just does not roll out a new template.
      newRs = this.scale(newRs, replicas, d);
    }
    const current = newRs ? this.syncRevision(d, newRs, old) : d;
    this.writeStatus(current, newRs, old, replicas, paused);
  }

  // The Deployment controller numbers the ReplicaSet of the current template with the highest
  // revision (one taken back from history gets a new, higher one) and writes that revision on
  // the Deployment too, before it reports the generation observed: readers find the current
  // ReplicaSet by it.
  private syncRevision(d: KubeObject, newRs: KubeObject, old: KubeObject[]): KubeObject {
    const highestOld = Math.max(0, ...old.map(revisionOf));
    if (revisionOf(newRs) <= highestOld) {
      newRs.metadata.annotations = { ...(newRs.metadata.annotations ?? {}), [REVISION_ANNOTATION]: String(highestOld + 1) };
      try {
        this.store.update(KINDS.replicaSet, newRs);
      } catch (err) {
        if (!isNotFound(err)) throw err;
      }
    }
    const revision = String(revisionOf(newRs));
    if (d.metadata.annotations?.[REVISION_ANNOTATION] === revision) return d;
    d.metadata.annotations = { ...(d.metadata.annotations ?? {}), [REVISION_ANNOTATION]: revision };
    try {
      return this.store.update(KINDS.deployment, d);
    } catch (err) {
      if (isNotFound(err)) return d;
      throw err;
    }
  }

  private rollingUpdate(d: KubeObject, newRs: KubeObject | undefined, old: KubeObject[], replicas: number): KubeObject | undefined {
    const rolling = asJson(asJson(specOf(d).strategy).rollingUpdate);
    const { surge, unavailable } = resolveFenceposts(replicas, rolling.maxSurge as string | number | undefined, rolling.maxUnavailable as string | number | undefined);
    const oldCounts = old.map(counts);
    if (!newRs) {
      // The first ReplicaSet of a Deployment starts at full size: there is nothing to replace.
      const initial = old.length === 0 ? replicas : newReplicaSetTarget(replicas, surge, { desired: 0, available: 0 }, oldCounts);
      newRs = this.createReplicaSet(d, old, initial, surge);
    } else {
      const target = newReplicaSetTarget(replicas, surge, counts(newRs), oldCounts);
      if (target !== counts(newRs).desired) newRs = this.scale(newRs, target, d, surge);
      else this.syncAnnotations(newRs, d, surge);
    }
    const targets = oldReplicaSetTargets(replicas, unavailable, counts(newRs), old.map(counts));
    old.forEach((rs, i) => {
      if (targets[i] !== counts(rs).desired) old[i] = this.scale(rs, targets[i]!, d, surge);
    });
    return newRs;
  }

  // Recreate: every old pod must be gone (terminating ones too) before the new ones start.
  private recreate(d: KubeObject, newRs: KubeObject | undefined, old: KubeObject[], replicas: number): KubeObject | undefined {
    old.forEach((rs, i) => {
      if (counts(rs).desired !== 0) old[i] = this.scale(rs, 0, d);
    });
    const oldPodsLeft = this.store
      .list(KINDS.pod, d.metadata.namespace)
      .some((p) => old.some((rs) => isOwnedBy(p, rs.metadata.uid)));
    if (oldPodsLeft) return newRs;
    if (!newRs) return this.createReplicaSet(d, old, replicas, 0);
    if (counts(newRs).desired !== replicas) return this.scale(newRs, replicas, d, 0);
    return newRs;
  }

  private createReplicaSet(d: KubeObject, old: KubeObject[], size: number, surge: number): KubeObject {
    const spec = specOf(d);
    const template = structuredClone(asJson(spec.template));
    const selector = structuredClone(asJson(spec.selector)) as LabelSelector;
    const revision = Math.max(0, ...old.map(revisionOf)) + 1;
    for (let collisions = 0; ; collisions++) {
      const hash = templateHash(spec.template, collisions);
      const meta = asJson(template.metadata);
      meta.labels = { ...asJson(meta.labels), [TEMPLATE_HASH_LABEL]: hash };
      template.metadata = meta;
      const rs: KubeObject = {
        apiVersion: 'apps/v1',
        kind: 'ReplicaSet',
        metadata: {
          name: `${d.metadata.name}-${hash}`,
          namespace: d.metadata.namespace,
          labels: { ...(meta.labels as Record<string, string>) },
          annotations: {
            [REVISION_ANNOTATION]: String(revision),
            [DESIRED_ANNOTATION]: String(intOf(spec.replicas, 1)),
            [MAX_REPLICAS_ANNOTATION]: String(intOf(spec.replicas, 1) + surge),
          },
          ownerReferences: [ownerReferenceTo(d)],
        },
        spec: {
          replicas: size,
          minReadySeconds: intOf(spec.minReadySeconds, 0),
          selector: { ...selector, matchLabels: { ...(selector.matchLabels ?? {}), [TEMPLATE_HASH_LABEL]: hash } },
          template,
        },
      };
      if (this.store.get(KINDS.replicaSet, d.metadata.namespace, rs.metadata.name)) continue; // name taken: rehash
      return this.store.create(KINDS.replicaSet, rs);
    }
  }

  private scale(rs: KubeObject, replicas: number, d: KubeObject, surge = 0): KubeObject {
    rs.spec = { ...specOf(rs), replicas, minReadySeconds: intOf(specOf(d).minReadySeconds, 0) };
    this.annotate(rs, d, surge);
    try {
      return this.store.update(KINDS.replicaSet, rs);
    } catch (err) {
      if (isNotFound(err)) return rs;
      throw err;
    }
  }

  private syncAnnotations(rs: KubeObject, d: KubeObject, surge: number): void {
    const before = JSON.stringify(rs.metadata.annotations ?? {});
    this.annotate(rs, d, surge);
    if (JSON.stringify(rs.metadata.annotations ?? {}) !== before) this.store.update(KINDS.replicaSet, rs);
  }

  private annotate(rs: KubeObject, d: KubeObject, surge: number): void {
    const replicas = intOf(specOf(d).replicas, 1);
    rs.metadata.annotations = {
      ...(rs.metadata.annotations ?? {}),
      [DESIRED_ANNOTATION]: String(replicas),
      [MAX_REPLICAS_ANNOTATION]: String(replicas + surge),
    };
  }

  // revisionHistoryLimit: old, empty ReplicaSets beyond the limit are deleted, oldest first.
  private pruneHistory(d: KubeObject, old: KubeObject[]): void {
    const limit = intOf(specOf(d).revisionHistoryLimit, 10);
    const empty = old.filter((rs) => counts(rs).desired === 0 && intOf(statusOf(rs).replicas, 0) === 0);
    for (const rs of empty.slice(0, Math.max(0, empty.length - limit))) {
      try {
        this.store.delete(KINDS.replicaSet, rs.metadata.namespace, rs.metadata.name);
      } catch (err) {
        if (!isNotFound(err)) throw err;
      }
    }
  }

  private writeStatus(d: KubeObject, newRs: KubeObject | undefined, old: KubeObject[], replicas: number, paused: boolean): void {
    const key = objectKey(d.metadata.namespace, d.metadata.name);
    const now = this.options.clock.now();
    const spec = specOf(d);
    // Read the ReplicaSets again: scaling above may have changed their spec, not their status.
    const all = [newRs, ...old].filter((rs): rs is KubeObject => rs !== undefined).map((rs) => this.store.get(KINDS.replicaSet, rs.metadata.namespace, rs.metadata.name) ?? rs);
    const fresh = newRs ? all[0] : undefined;
    const sum = (field: string): number => all.reduce((s, rs) => s + intOf(statusOf(rs)[field], 0), 0);
    const desiredTotal = all.reduce((s, rs) => s + intOf(specOf(rs).replicas, 0), 0);
    const status: Json = {
      observedGeneration: d.metadata.generation ?? 1,
      replicas: sum('replicas'),
      updatedReplicas: fresh ? intOf(statusOf(fresh).replicas, 0) : 0,
      readyReplicas: sum('readyReplicas'),
      availableReplicas: sum('availableReplicas'),
      unavailableReplicas: Math.max(0, desiredTotal - sum('availableReplicas')),
    };
    const previous = statusOf(d);
    if (previous.collisionCount !== undefined) status.collisionCount = previous.collisionCount;

    const strategy = asJson(spec.strategy);
    const maxUnavailable = strategy.type === 'Recreate' ? 0 : resolveFenceposts(replicas, asJson(strategy.rollingUpdate).maxSurge as string | number | undefined, asJson(strategy.rollingUpdate).maxUnavailable as string | number | undefined).unavailable;
    const conditions = asList(previous.conditions).map((c) => ({ ...c }));
    const setCondition = (type: string, value: 'True' | 'False' | 'Unknown', reason: string, message: string, progressed: boolean): void => {
      const i = conditions.findIndex((c) => c.type === type);
      const old = i >= 0 ? conditions[i] : undefined;
      const changed = !old || old.status !== value || old.reason !== reason;
      // lastUpdateTime marks progress; lastTransitionTime only a change of status.
      const next: Json = {
        type,
        status: value,
        lastUpdateTime: changed || progressed ? timestamp(now) : old!.lastUpdateTime,
        lastTransitionTime: old && old.status === value ? old.lastTransitionTime : timestamp(now),
        reason,
        message,
      };
      if (i >= 0) conditions[i] = next;
      else conditions.push(next);
    };

    const available = intOf(status.availableReplicas, 0);
    if (available >= replicas - maxUnavailable) {
      setCondition('Available', 'True', 'MinimumReplicasAvailable', 'Deployment has minimum availability.', false);
    } else {
      setCondition('Available', 'False', 'MinimumReplicasUnavailable', 'Deployment does not have minimum availability.', false);
    }

    const rsName = fresh?.metadata.name ?? d.metadata.name;
    const complete =
      fresh !== undefined &&
      status.updatedReplicas === replicas &&
      status.replicas === replicas &&
      available === replicas &&
      intOf(statusOf(fresh).observedGeneration, 0) >= intOf(fresh.metadata.generation, 1);
    this.clearDeadline(key);
    if (paused) {
      setCondition('Progressing', 'Unknown', 'DeploymentPaused', 'Deployment is paused', false);
    } else if (complete) {
      this.lastProgress.delete(key);
      setCondition('Progressing', 'True', 'NewReplicaSetAvailable', `ReplicaSet "${rsName}" has successfully progressed.`, false);
    } else {
      this.updateProgressing(key, d, previous, status, rsName, now, setCondition, conditions.find((c) => c.type === 'Progressing'));
    }
    status.conditions = conditions;
    d.status = status;
    try {
      this.store.update(KINDS.deployment, d, { subresource: 'status' });
    } catch (err) {
      if (!isNotFound(err)) throw err;
    }
  }

  // While a rollout runs, Progressing stays True as long as something moves at least every
  // progressDeadlineSeconds; after that it turns False (ProgressDeadlineExceeded), which kstatus
  // reports as a failure, until the next progress.
  private updateProgressing(
    key: string,
    d: KubeObject,
    previous: Json,
    status: Json,
    rsName: string,
    now: number,
    setCondition: (type: string, value: 'True' | 'False' | 'Unknown', reason: string, message: string, progressed: boolean) => void,
    current: Json | undefined,
  ): void {
    const startedNow = current === undefined || current.reason === 'NewReplicaSetAvailable' || current.reason === 'DeploymentPaused';
    const progressed = startedNow || this.progressed(previous, status, d);
    if (progressed) this.lastProgress.set(key, now);
    const fromCondition = Date.parse(String(current?.lastUpdateTime ?? ''));
    const last = this.lastProgress.get(key) ?? (Number.isNaN(fromCondition) ? now : fromCondition);
    const deadline = specOf(d).progressDeadlineSeconds;
    const deadlineMs = typeof deadline === 'number' ? deadline * 1000 : undefined;
    if (deadlineMs !== undefined && now - last >= deadlineMs) {
      setCondition('Progressing', 'False', 'ProgressDeadlineExceeded', `ReplicaSet "${rsName}" has timed out progressing.`, false);
      return;
    }
    setCondition('Progressing', 'True', 'ReplicaSetUpdated', `ReplicaSet "${rsName}" is progressing.`, progressed);
    if (deadlineMs !== undefined) {
      this.deadlineTimers.set(
        key,
        this.options.clock.setTimeout(() => {
          this.deadlineTimers.delete(key);
          this.queue.add(key);
        }, last + deadlineMs - now),
      );
    }
  }

  // Progress is what Kubernetes counts as such: a new generation, or more updated, ready or
  // available pods, or fewer old ones.
  private progressed(previous: Json, next: Json, d: KubeObject): boolean {
    const n = (s: Json, f: string): number => intOf(s[f], 0);
    return (
      n(previous, 'observedGeneration') !== (d.metadata.generation ?? 1) ||
      n(next, 'updatedReplicas') > n(previous, 'updatedReplicas') ||
      n(next, 'readyReplicas') > n(previous, 'readyReplicas') ||
      n(next, 'availableReplicas') > n(previous, 'availableReplicas') ||
      n(next, 'replicas') - n(next, 'updatedReplicas') < n(previous, 'replicas') - n(previous, 'updatedReplicas')
    );
  }

  private clearDeadline(key: string): void {
    const t = this.deadlineTimers.get(key);
    if (t) this.options.clock.clearTimeout(t);
    this.deadlineTimers.delete(key);
  }
}
