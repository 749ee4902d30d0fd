// The contract between the simulated API server's object store and everything that runs
// in-process beside it (controllers, the mesh model, fault injection, tests).
// The HTTP layer (sim/api/) and the controllers (sim/controllers/) both code against this file.

/** A Kubernetes object as plain JSON. */
export interface KubeObject {
  apiVersion: string;
  kind: string;
  metadata: ObjectMeta;
  [field: string]: unknown;
}

export interface ObjectMeta {
  name: string;
  namespace?: string;
  uid?: string;
  resourceVersion?: string;
  generation?: number;
  creationTimestamp?: string;
  deletionTimestamp?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  ownerReferences?: OwnerReference[];
  managedFields?: unknown[];
  [field: string]: unknown;
}

export interface OwnerReference {
  apiVersion: string;
  kind: string;
  name: string;
  uid: string;
  controller?: boolean;
  blockOwnerDeletion?: boolean;
}

/**
 * ResourceType names one kind as the store keys it: the API group (''
 * for the core group), the plural resource name, and the Kind. Every served version of a group
 * maps to the same ResourceType, so an Istio VirtualService written at v1beta1 reads back at v1.
 */
export interface ResourceType {
  group: string;
  resource: string;
  kind: string;
  namespaced: boolean;
}

export type WatchEventType = 'ADDED' | 'MODIFIED' | 'DELETED';

export interface StoreEvent {
  type: WatchEventType;
  resource: ResourceType;
  object: KubeObject;
}

/** HistoryEvent is a past StoreEvent; a MODIFIED one also carries the object as it was before. */
export interface HistoryEvent extends StoreEvent {
  previous?: KubeObject;
}

/** Thrown by store operations; the HTTP layer turns it into a metav1.Status with `code`. */
export class StoreError extends Error {
  constructor(
    readonly code: 404 | 409 | 422 | 400,
    readonly reason: 'NotFound' | 'AlreadyExists' | 'Conflict' | 'Invalid' | 'BadRequest',
    message: string,
  ) {
    super(message);
  }
}

/**
 * ObjectStore is the cluster's state. Every write bumps one global resourceVersion counter,
 * stamps it on the object and emits one StoreEvent, synchronously, to every subscriber.
 * Objects returned are deep copies: callers may mutate them freely.
 */
export interface ObjectStore {
  /** get returns the object, or undefined when it does not exist. */
  get(type: ResourceType, namespace: string | undefined, name: string): KubeObject | undefined;
  /** list returns every object of the type, in one namespace or (undefined) in all of them. */
  list(type: ResourceType, namespace?: string): KubeObject[];
  /** create fails with 409 AlreadyExists; fills uid, creationTimestamp, generation=1, resourceVersion. */
  create(type: ResourceType, obj: KubeObject): KubeObject;
  /**
   * update replaces the object. When obj.metadata.resourceVersion is set and differs from the
   * stored one it fails with 409 Conflict. Bumps metadata.generation when `spec` changed.
   * With `subresource: 'status'` only `status` is taken from obj (the rest is kept).
   */
  update(type: ResourceType, obj: KubeObject, options?: { subresource?: 'status' }): KubeObject;
  /** delete removes the object (404 when missing) and returns it as it was. */
  delete(type: ResourceType, namespace: string | undefined, name: string): KubeObject;
  /** subscribe receives every later event; returns the unsubscribe function. */
  subscribe(listener: (event: StoreEvent) => void): () => void;
  /** currentResourceVersion is the newest resourceVersion handed out, as a string. */
  currentResourceVersion(): string;
  /**
   * eventsSince returns every event after `resourceVersion`, oldest first (copies), or `expired`
   * when the history no longer reaches back that far: a real server's watch cache then answers a
   * watch from that resourceVersion with 410 Gone.
   */
  eventsSince(resourceVersion: number): HistoryEvent[] | { expired: string };
}
