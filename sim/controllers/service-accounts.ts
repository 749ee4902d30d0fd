// The ServiceAccount controller's one duty the simulator needs: every namespace has a
// ServiceAccount `default` (recreated if deleted), which pods run as unless they name another.
import { KINDS } from '../store/resources.js';
import type { ObjectStore, StoreEvent } from '../store/types.js';
import { isNotFound, isTerminating, statusOf } from './objects.js';
import type { ResolvedOptions } from './options.js';
import { WorkQueue } from './queue.js';

/** ServiceAccountController creates each namespace's `default` ServiceAccount. */
export class ServiceAccountController {
  private readonly queue: WorkQueue;
  private readonly unsubscribe: () => void;

  constructor(
    private readonly store: ObjectStore,
    options: ResolvedOptions,
  ) {
    this.queue = new WorkQueue(
      (namespace) => this.reconcile(namespace),
      (namespace, err) => options.onError(err, `serviceaccounts ${namespace}`),
    );
    this.unsubscribe = store.subscribe((e) => this.onEvent(e));
    // Namespaces that exist already get theirs now, before any pod of theirs is created.
    for (const ns of store.list(KINDS.namespace)) this.reconcile(ns.metadata.name);
  }

  /** stop ends reconciling. */
  stop(): void {
    this.unsubscribe();
    this.queue.stop();
  }

  private onEvent(e: StoreEvent): void {
    if (e.resource.kind === 'Namespace' && e.type !== 'DELETED') this.queue.add(e.object.metadata.name);
    if (e.resource.kind === 'ServiceAccount' && e.type === 'DELETED' && e.object.metadata.name === 'default') this.queue.add(e.object.metadata.namespace ?? '');
  }

  private reconcile(namespace: string): void {
    const ns = this.store.get(KINDS.namespace, undefined, namespace);
    if (!ns || isTerminating(ns) || statusOf(ns).phase === 'Terminating') return;
    if (this.store.get(KINDS.serviceAccount, namespace, 'default')) return;
    try {
      this.store.create(KINDS.serviceAccount, { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'default', namespace } });
    } catch (err) {
      if (!isNotFound(err) && (err as { code?: unknown }).code !== 409) throw err;
    }
  }
}
