// MemoryStore: the simulated cluster's state, in memory. Implements the ObjectStore contract
// (./types.ts) with the API server's bookkeeping: one global resourceVersion counter, uid,
// creationTimestamp, generation bumped on spec changes, optimistic concurrency, defaulting,
// namespace existence, and the garbage collection of dependents a real cluster does on delete.
import { randomBytes, randomUUID } from 'node:crypto';
import { isDeepStrictEqual } from 'node:util';
import { ClusterIpAllocator, applyDefaults } from './defaults.js';
import { StoreError } from './types.js';
import type { HistoryEvent, KubeObject, ObjectStore, ResourceType, StoreEvent } from './types.js';
import { ALL_KINDS, KINDS } from './resources.js';

/** MemoryStoreOptions tune checks that a few in-process tests may want off. */
export interface MemoryStoreOptions {
  /** Refuse namespaced objects in a namespace that does not exist (404), as k8s does. Default true. */
  requireNamespaces?: boolean;
  /** Clock for creationTimestamp; defaults to the wall clock. */
  now?: () => Date;
  /** How many past events watches can replay from (a real watch cache keeps a window too). Default 2000. */
  watchHistory?: number;
}

/** DEFAULT_WATCH_HISTORY is how many events a MemoryStore keeps for watches that start in the past. */
export const DEFAULT_WATCH_HISTORY = 2000;

const DNS1123_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const DNS1123_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
// Kinds whose names must be a single DNS label (they become DNS names or path segments).
const LABEL_NAMED_KINDS = new Set(['Namespace', 'Service']);

function typeKey(type: ResourceType): string {
  return `${type.group}/${type.resource}`;
}

function objectKey(namespace: string | undefined, name: string): string {
  return `${namespace ?? ''}/${name}`;
}

/** qualifiedResource names a type as API errors do: `deployments.apps`, `secrets`. */
export function qualifiedResource(type: ResourceType): string {
  return type.group === '' ? type.resource : `${type.resource}.${type.group}`;
}

function clone<T>(value: T): T {
  return structuredClone(value);
}

/** validateName returns why a name is invalid, or undefined when it is fine. */
export function validateName(kind: string, name: string): string | undefined {
  if (LABEL_NAMED_KINDS.has(kind)) {
    if (name.length > 63 || !DNS1123_LABEL.test(name)) {
      return `a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character`;
    }
    return undefined;
  }
  if (name.length > 253 || !DNS1123_SUBDOMAIN.test(name)) {
    return `a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character`;
  }
  return undefined;
}

/** MemoryStore is the in-memory ObjectStore every simulated component shares. */
export class MemoryStore implements ObjectStore {
  private readonly objects = new Map<string, Map<string, KubeObject>>();
  private readonly listeners = new Set<(event: StoreEvent) => void>();
  private readonly ips = new ClusterIpAllocator();
  private readonly requireNamespaces: boolean;
  private readonly now: () => Date;
  private rv = 1;
  private readonly history: HistoryEvent[] = [];
  private readonly historyLimit: number;
  // Every event with a resourceVersion above this one is still in `history`.
  private historyStart = 1;

  constructor(options: MemoryStoreOptions = {}) {
    this.requireNamespaces = options.requireNamespaces ?? true;
    this.now = options.now ?? (() => new Date());
    this.historyLimit = Math.max(1, options.watchHistory ?? DEFAULT_WATCH_HISTORY);
  }

  get(type: ResourceType, namespace: string | undefined, name: string): KubeObject | undefined {
    const found = this.bucket(type).get(objectKey(type.namespaced ? namespace : undefined, name));
    return found ? clone(found) : undefined;
  }

  list(type: ResourceType, namespace?: string): KubeObject[] {
    const out: KubeObject[] = [];
    for (const obj of this.bucket(type).values()) {
      if (namespace !== undefined && type.namespaced && obj.metadata.namespace !== namespace) continue;
      out.push(clone(obj));
    }
    // Stable order (namespace, name), as etcd's key order gives a real server.
    return out.sort((a, b) => objectKey(a.metadata.namespace, a.metadata.name).localeCompare(objectKey(b.metadata.namespace, b.metadata.name)));
  }

  create(type: ResourceType, input: KubeObject): KubeObject {
    const obj = clone(input);
    obj.metadata = obj.metadata ?? ({} as KubeObject['metadata']);
    const meta = obj.metadata;
    if (!meta.name && typeof meta.generateName === 'string' && meta.generateName !== '') {
      meta.name = meta.generateName + randomBytes(4).toString('hex').slice(0, 5);
    }
    this.checkShape(type, obj);
    const bucket = this.bucket(type);
    const key = objectKey(meta.namespace, meta.name);
    if (bucket.has(key)) {
      throw new StoreError(409, 'AlreadyExists', `${qualifiedResource(type)} "${meta.name}" already exists`);
    }
    if (type.namespaced && this.requireNamespaces && !this.bucket(KINDS.namespace).has(objectKey(undefined, meta.namespace!))) {
      throw new StoreError(404, 'NotFound', `namespaces "${meta.namespace}" not found`);
    }
    if (type.kind === 'Namespace' && obj.status === undefined) obj.status = { phase: 'Active' };
    // The uid comes first: a Job's generated selector is made of it.
    meta.uid = randomUUID();
    applyDefaults(obj, this.ips);
    meta.creationTimestamp = this.now().toISOString().replace(/\.\d+Z$/, 'Z');
    meta.generation = 1;
    meta.resourceVersion = this.nextRv();
    delete meta.deletionTimestamp;
    bucket.set(key, obj);
    this.emit({ type: 'ADDED', resource: type, object: obj });
    return clone(obj);
  }

  update(type: ResourceType, input: KubeObject, options: { subresource?: 'status' } = {}): KubeObject {
    const incoming = clone(input);
    this.checkShape(type, incoming);
    const bucket = this.bucket(type);
    const key = objectKey(incoming.metadata.namespace, incoming.metadata.name);
    const stored = bucket.get(key);
    if (!stored) {
      throw new StoreError(404, 'NotFound', `${qualifiedResource(type)} "${incoming.metadata.name}" not found`);
    }
    const wantRv = incoming.metadata.resourceVersion;
    if (wantRv !== undefined && wantRv !== '' && wantRv !== stored.metadata.resourceVersion) {
      throw new StoreError(
        409,
        'Conflict',
        `Operation cannot be fulfilled on ${qualifiedResource(type)} "${incoming.metadata.name}": the object has been modified; please apply your changes to the latest version and try again`,
      );
    }
    let next: KubeObject;
    if (options.subresource === 'status') {
      next = clone(stored);
      next.status = incoming.status;
    } else {
      next = incoming;
      applyDefaults(next, this.ips, stored);
      // Identity and bookkeeping fields belong to the server, whatever the client sent.
      next.metadata.uid = stored.metadata.uid;
      next.metadata.creationTimestamp = stored.metadata.creationTimestamp;
      const changedSpec = !isDeepStrictEqual(next.spec, stored.spec);
      next.metadata.generation = (stored.metadata.generation ?? 1) + (changedSpec ? 1 : 0);
    }
    // A write that changes nothing keeps its resourceVersion and emits no event, as etcd does.
    const { resourceVersion: _a, ...nextMeta } = next.metadata;
    const { resourceVersion: _b, ...storedMeta } = stored.metadata;
    const sameMeta = isDeepStrictEqual(nextMeta, storedMeta);
    const { metadata: _c, ...nextBody } = next;
    const { metadata: _d, ...storedBody } = stored;
    if (sameMeta && isDeepStrictEqual(nextBody, storedBody)) return clone(stored);
    next.metadata.resourceVersion = this.nextRv();
    bucket.set(key, next);
    this.emit({ type: 'MODIFIED', resource: type, object: next }, stored);
    return clone(next);
  }

  delete(type: ResourceType, namespace: string | undefined, name: string): KubeObject {
    const bucket = this.bucket(type);
    const key = objectKey(type.namespaced ? namespace : undefined, name);
    const stored = bucket.get(key);
    if (!stored) throw new StoreError(404, 'NotFound', `${qualifiedResource(type)} "${name}" not found`);
    bucket.delete(key);
    // The DELETED event carries a fresh resourceVersion, like the apiserver's final state.
    stored.metadata.resourceVersion = this.nextRv();
    this.emit({ type: 'DELETED', resource: type, object: stored });
    if (type.kind === 'Namespace') this.deleteNamespaceContents(name);
    if (stored.metadata.uid) this.collectDependents(stored.metadata.uid);
    return clone(stored);
  }

  subscribe(listener: (event: StoreEvent) => void): () => void {
    this.listeners.add(listener);
    return () => {
      this.listeners.delete(listener);
    };
  }

  currentResourceVersion(): string {
    return String(this.rv);
  }

  eventsSince(resourceVersion: number): HistoryEvent[] | { expired: string } {
    if (resourceVersion < this.historyStart) return { expired: `too old resource version: ${resourceVersion} (${this.historyStart})` };
    return this.history.filter((e) => Number(e.object.metadata.resourceVersion) > resourceVersion).map((e) => clone(e));
  }

  private nextRv(): string {
    this.rv += 1;
    return String(this.rv);
  }

  private bucket(type: ResourceType): Map<string, KubeObject> {
    const k = typeKey(type);
    let b = this.objects.get(k);
    if (!b) {
      b = new Map();
      this.objects.set(k, b);
    }
    return b;
  }

  private checkShape(type: ResourceType, obj: KubeObject): void {
    const meta = obj.metadata;
    if (!meta || typeof meta.name !== 'string' || meta.name === '') {
      throw new StoreError(422, 'Invalid', `${type.kind} "" is invalid: metadata.name: Required value: name or generateName is required`);
    }
    const bad = validateName(type.kind, meta.name);
    if (bad) throw new StoreError(422, 'Invalid', `${type.kind} "${meta.name}" is invalid: metadata.name: Invalid value: "${meta.name}": ${bad}`);
    if (type.namespaced) {
      if (!meta.namespace) throw new StoreError(400, 'BadRequest', `${type.kind} "${meta.name}": the namespace of the object must be set`);
    } else {
      delete meta.namespace;
    }
  }

  private emit(event: StoreEvent, previous?: KubeObject): void {
    this.history.push({ ...clone(event), ...(previous ? { previous: clone(previous) } : {}) });
    if (this.history.length > this.historyLimit) {
      const dropped = this.history.splice(0, this.history.length - this.historyLimit);
      this.historyStart = Number(dropped[dropped.length - 1]!.object.metadata.resourceVersion);
    }
    for (const listener of [...this.listeners]) {
      // Each listener gets its own copy so one cannot corrupt what the next one sees.
      listener({ type: event.type, resource: event.resource, object: clone(event.object) });
    }
  }

  private deleteNamespaceContents(namespace: string): void {
    for (const kind of ALL_KINDS) {
      if (!kind.namespaced) continue;
      for (const obj of this.list(kind, namespace)) {
        if (this.bucket(kind).has(objectKey(namespace, obj.metadata.name))) this.delete(kind, namespace, obj.metadata.name);
      }
    }
  }

  // Background cascading deletion: what the garbage collector does once an owner is gone.
  private collectDependents(ownerUid: string): void {
    for (const kind of ALL_KINDS) {
      for (const obj of [...this.bucket(kind).values()]) {
        if (!obj.metadata.ownerReferences?.some((ref) => ref.uid === ownerUid)) continue;
        if (this.bucket(kind).has(objectKey(obj.metadata.namespace, obj.metadata.name))) {
          this.delete(kind, obj.metadata.namespace, obj.metadata.name);
        }
      }
    }
  }
}
