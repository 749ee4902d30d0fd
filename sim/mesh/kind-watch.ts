// One collection of an API server (the pods of a namespace, say) mirrored in memory: listed,
// then watched, every change handed on as a StoreEvent, the way client-go's reflector keeps an
// informer's cache. What it guards against:
// - A watch the server ends (its timeout, a restart of the API server, a dropped connection):
//   watch again from the last resourceVersion seen (events and bookmarks move it on).
// - 410 Gone (the resourceVersion is older than the server keeps history for), as an ERROR
//   event or as the watch's HTTP status: list again and diff the list against the cache.
// - A server that does not replay history from a resourceVersion (the simulator's watch starts
//   at "now"): once each watch is up, the collection is listed once more and the cache
//   reconciled, so a change made while no watch was open is not lost.
// resourceVersions are compared as integers when both are (etcd's and the simulator's are),
// so an older list cannot undo a newer event; otherwise the newest arrival wins.
import { Watch } from '@kubernetes/client-node';
import type { KubeConfig } from '@kubernetes/client-node';
import type { KubeObject, ResourceType, StoreEvent, WatchEventType } from '../store/types.js';
import { listObjects } from './api-requests.js';
import type { ObjectList } from './api-requests.js';

/** Collection names one watched collection: its kind, the apiVersion served, and its URL path. */
export interface Collection {
  type: ResourceType;
  apiVersion: string;
  /** e.g. /api/v1/namespaces/shop/pods or /apis/networking.istio.io/v1/virtualservices */
  path: string;
}

/** KindWatchOptions tune reconnects. */
export interface KindWatchOptions {
  /** Asked of the server per watch; it ends the watch after this long and we watch again. Default 300. */
  watchTimeoutSeconds?: number;
  /** First delay before retrying after an error; doubles per failure up to 10 s. Default 250. */
  retryDelayMs?: number;
  onError?: (err: unknown) => void;
}

/** KindWatchStats counts what the watch has done (for tests and diagnostics). */
export interface KindWatchStats {
  lists: number;
  watches: number;
  gone: number;
  errors: number;
}

const MAX_RETRY_DELAY_MS = 10_000;

function keyOf(obj: KubeObject): string {
  return `${obj.metadata.namespace ?? ''}/${obj.metadata.name}`;
}

// compareVersions orders two resourceVersions when both are integers; undefined otherwise.
function compareVersions(a: string | undefined, b: string | undefined): number | undefined {
  if (!a || !b || !/^\d+$/.test(a) || !/^\d+$/.test(b)) return undefined;
  const x = BigInt(a);
  const y = BigInt(b);
  return x === y ? 0 : x > y ? 1 : -1;
}

function statusCodeOf(err: unknown): number | undefined {
  const e = err as { statusCode?: unknown; status?: unknown } | null | undefined;
  const code = e?.statusCode ?? e?.status;
  return typeof code === 'number' ? code : undefined;
}

/** KindWatch mirrors one collection and reports every change to `emit`. */
export class KindWatch {
  readonly stats: KindWatchStats = { lists: 0, watches: 0, gone: 0, errors: 0 };
  private readonly objects = new Map<string, KubeObject>();
  private readonly watcher: Watch;
  private resourceVersion: string | undefined;
  private abort: AbortController | undefined;
  private retryTimer: NodeJS.Timeout | undefined;
  private failures = 0;
  private stopped = false;

  constructor(
    private readonly kc: KubeConfig,
    readonly collection: Collection,
    private readonly emit: (event: StoreEvent) => void,
    private readonly options: KindWatchOptions = {},
  ) {
    this.watcher = new Watch(kc);
  }

  /** start lists the collection (rejecting when that fails) and opens the watch. */
  async start(): Promise<void> {
    this.reconcile(await this.list());
    void this.connect();
  }

  /** stop ends the watch and every retry. */
  stop(): void {
    this.stopped = true;
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.abort?.abort();
    this.abort = undefined;
  }

  /** objects are the collection's objects as last seen; treat them as read-only. */
  values(): KubeObject[] {
    return [...this.objects.values()];
  }

  get(namespace: string | undefined, name: string): KubeObject | undefined {
    return this.objects.get(`${namespace ?? ''}/${name}`);
  }

  private async list(): Promise<ObjectList> {
    this.stats.lists++;
    return listObjects(this.kc, this.collection.path, this.collection.type.kind, this.collection.apiVersion);
  }

  private async connect(): Promise<void> {
    if (this.stopped) return;
    let ended = false;
    let gone = false;
    const onEnd = (err: unknown) => {
      if (ended) return;
      ended = true;
      this.abort = undefined;
      if (!this.stopped) this.afterWatch(gone || statusCodeOf(err) === 410 ? 'gone' : err ? err : 'closed');
    };
    const onEvent = (type: string, obj: KubeObject) => {
      if (type === 'ERROR') {
        // A metav1.Status: 410 when our resourceVersion is too old, anything else is a failure.
        gone = (obj as { code?: unknown }).code === 410;
        this.abort?.abort();
        onEnd(gone ? undefined : new Error(`watch ${this.collection.path}: ${String((obj as { message?: unknown }).message ?? 'error event')}`));
        return;
      }
      this.onWatchEvent(type, obj);
    };
    const timeout = this.options.watchTimeoutSeconds ?? 300;
    try {
      const query = { resourceVersion: this.resourceVersion, allowWatchBookmarks: true, timeoutSeconds: timeout };
      const abort = await this.watcher.watch(this.collection.path, query, onEvent, onEnd);
      if (this.stopped || ended) {
        abort.abort();
        return;
      }
      this.abort = abort;
    } catch (err) {
      onEnd(err);
      return;
    }
    this.stats.watches++;
    // The watch is up: list once more, for a server that started it at "now" instead of at our
    // resourceVersion (changes made while no watch was open would be lost otherwise).
    try {
      const list = await this.list();
      if (!this.stopped) this.reconcile(list);
      this.failures = 0;
    } catch (err) {
      this.report(err);
    }
  }

  private afterWatch(outcome: 'gone' | 'closed' | unknown): void {
    if (outcome === 'closed') {
      void this.connect();
      return;
    }
    if (outcome === 'gone') {
      this.stats.gone++;
      this.resourceVersion = undefined;
      void this.relistAndConnect();
      return;
    }
    this.report(outcome);
    this.failures++;
    const delay = Math.min(MAX_RETRY_DELAY_MS, (this.options.retryDelayMs ?? 250) * 2 ** (this.failures - 1));
    this.retryTimer = setTimeout(() => void this.relistAndConnect(), delay);
    // A retry must not keep a finished test or script alive.
    this.retryTimer.unref();
  }

  private async relistAndConnect(): Promise<void> {
    if (this.stopped) return;
    try {
      const list = await this.list();
      if (this.stopped) return;
      this.reconcile(list);
    } catch (err) {
      this.afterWatch(err);
      return;
    }
    await this.connect();
  }

  private onWatchEvent(type: string, obj: KubeObject): void {
    const version = obj?.metadata?.resourceVersion;
    if (type === 'BOOKMARK') {
      this.advance(version);
      return;
    }
    if (type === 'ADDED' || type === 'MODIFIED') this.put(obj);
    else if (type === 'DELETED') this.remove(obj);
    this.advance(version);
  }

  // reconcile makes the cache what the list says: new and newer objects in, vanished ones out
  // (unless the cache's copy is newer than the list: created after the list was taken).
  private reconcile(list: ObjectList): void {
    const listed = new Set<string>();
    for (const item of list.items) {
      listed.add(keyOf(item));
      this.put(item);
    }
    for (const [key, cached] of this.objects) {
      if (listed.has(key)) continue;
      const order = compareVersions(cached.metadata.resourceVersion, list.resourceVersion);
      if (order === undefined || order <= 0) this.remove(cached);
    }
    this.advance(list.resourceVersion);
  }

  private put(obj: KubeObject): void {
    const key = keyOf(obj);
    const cached = this.objects.get(key);
    if (cached) {
      const order = compareVersions(obj.metadata.resourceVersion, cached.metadata.resourceVersion);
      if (order !== undefined ? order <= 0 : obj.metadata.resourceVersion === cached.metadata.resourceVersion) return;
    }
    const object = { ...obj, kind: this.collection.type.kind, apiVersion: obj.apiVersion ?? this.collection.apiVersion };
    this.objects.set(key, object);
    this.send(cached ? 'MODIFIED' : 'ADDED', object);
  }

  private remove(obj: KubeObject): void {
    const key = keyOf(obj);
    if (!this.objects.delete(key)) return;
    this.send('DELETED', obj);
  }

  private advance(version: string | undefined): void {
    if (!version) return;
    const order = compareVersions(version, this.resourceVersion);
    if (this.resourceVersion === undefined || order === undefined || order > 0) this.resourceVersion = version;
  }

  private send(type: WatchEventType, object: KubeObject): void {
    this.emit({ type, resource: this.collection.type, object });
  }

  private report(err: unknown): void {
    this.stats.errors++;
    this.options.onError?.(err);
  }
}
