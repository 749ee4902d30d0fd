// Watch streams: newline-separated JSON WatchEvents over one chunked response. Supports the
// three starts a real server offers: from a resourceVersion (the events after it, replayed from
// the store's history, then live ones; an ERROR event with a 410 Expired Status when the history
// no longer reaches back that far), synthetic ADDED for existing objects (resourceVersion unset
// or "0"), and the streaming list helm 4 uses (sendInitialEvents=true): ADDED for each existing
// object, then a BOOKMARK annotated `k8s.io/initial-events-end`, then live events.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { KubeObject, ObjectStore, StoreEvent, WatchEventType } from '../store/types.js';
import type { ServedKind } from '../store/resources.js';
import { statusBody } from './status.js';

/** WatchFilter selects the objects one watch reports. */
export interface WatchFilter {
  kind: ServedKind;
  namespace?: string;
  matches: (obj: KubeObject) => boolean;
  /** Renders a stored object at the version the client asked for. */
  present: (obj: KubeObject) => KubeObject;
  apiVersion: string;
}

/** WatchOptions are the query parameters that shape a watch. */
export interface WatchOptions {
  resourceVersion?: string;
  sendInitialEvents: boolean;
  allowBookmarks: boolean;
  timeoutSeconds?: number;
}

function keyOf(obj: KubeObject): string {
  return `${obj.metadata.namespace ?? ''}/${obj.metadata.name}`;
}

/**
 * serveWatch answers one watch request and keeps it open until the client goes away, the
 * timeout passes or `close` is called. Returns the close function.
 */
export function serveWatch(
  _req: IncomingMessage,
  res: ServerResponse,
  store: ObjectStore,
  filter: WatchFilter,
  options: WatchOptions,
  onEnd: () => void,
): () => void {
  res.writeHead(200, { 'Content-Type': 'application/json', 'Cache-Control': 'no-cache, private' });
  // Headers go out now: a watch with nothing to report yet must still answer 200 at once.
  res.flushHeaders();
  const send = (type: string, object: KubeObject) => {
    res.write(JSON.stringify({ type, object }) + '\n');
  };
  const inScope = (obj: KubeObject) =>
    (filter.namespace === undefined || obj.metadata.namespace === filter.namespace) && filter.matches(obj);

  const sameKind = (event: StoreEvent) => event.resource.group === filter.kind.group && event.resource.resource === filter.kind.resource;
  const synthetic = options.sendInitialEvents || options.resourceVersion === undefined || options.resourceVersion === '' || options.resourceVersion === '0';
  const replay = synthetic ? [] : store.eventsSince(Number(options.resourceVersion));
  if (!Array.isArray(replay)) {
    // What the watch cache answers for a resourceVersion older than its window.
    res.write(JSON.stringify({ type: 'ERROR', object: statusBody(410, 'Expired', replay.expired) }) + '\n');
    let ended = false;
    const end = () => {
      if (ended) return;
      ended = true;
      if (!res.writableEnded) res.end();
      onEnd();
    };
    // Ended after the caller has registered the returned function, as any other watch.
    queueMicrotask(end);
    return end;
  }

  // report tells the client what one change means for its selection, as the watch cache does: an
  // object entering it is ADDED, one leaving it is DELETED (as it was, at the new resourceVersion).
  const report = (type: WatchEventType, obj: KubeObject, before: KubeObject | undefined) => {
    if (type !== 'DELETED' && inScope(obj)) send(before ? 'MODIFIED' : 'ADDED', filter.present(obj));
    else if (before) send('DELETED', filter.present(type === 'DELETED' ? obj : { ...before, metadata: { ...before.metadata, resourceVersion: obj.metadata.resourceVersion } }));
  };

  // Objects the client currently believes match (as it last saw them): label changes can move an
  // object in or out of a selector, which the client must see as ADDED / DELETED.
  const known = new Map<string, KubeObject>();
  const existing = store.list(filter.kind, filter.namespace).filter(inScope);
  for (const obj of existing) {
    known.set(keyOf(obj), obj);
    if (synthetic) send('ADDED', filter.present(obj));
  }
  for (const event of replay) {
    if (!sameKind(event)) continue;
    const before = event.type === 'DELETED' ? event.object : event.previous;
    report(event.type, event.object, before && inScope(before) ? before : undefined);
  }
  if (options.sendInitialEvents) {
    send('BOOKMARK', {
      apiVersion: filter.apiVersion,
      kind: filter.kind.kind,
      metadata: { name: '', resourceVersion: store.currentResourceVersion(), annotations: { 'k8s.io/initial-events-end': 'true' } },
    });
  }

  const onEvent = (event: StoreEvent) => {
    if (!sameKind(event)) return;
    const key = keyOf(event.object);
    report(event.type, event.object, known.get(key));
    if (event.type !== 'DELETED' && inScope(event.object)) known.set(key, event.object);
    else known.delete(key);
  };
  const unsubscribe = store.subscribe(onEvent);

  let closed = false;
  const close = () => {
    if (closed) return;
    closed = true;
    unsubscribe();
    if (timer) clearTimeout(timer);
    if (!res.writableEnded) res.end();
    onEnd();
  };
  const timer = options.timeoutSeconds !== undefined && options.timeoutSeconds > 0 ? setTimeout(close, options.timeoutSeconds * 1000) : undefined;
  // The response's 'close' fires when the client disconnects; the request's fires as soon as its
  // (empty) body has been read, so it must not be used to end the stream.
  res.on('close', close);
  return close;
}
