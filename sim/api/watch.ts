// Watch streams: newline-separated JSON WatchEvents over one chunked response. Supports the
// three starts a real server offers: live events only (a resourceVersion the client listed at),
// synthetic ADDED for existing objects (resourceVersion unset or "0"), and the streaming list
// helm 4 uses (sendInitialEvents=true): ADDED for each existing object, then a BOOKMARK
// annotated `k8s.io/initial-events-end`, then live events.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { KubeObject, ObjectStore, StoreEvent } from '../store/types.js';
import type { ServedKind } from '../store/resources.js';

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

  // Objects the client currently believes match: label changes can move an object in or out of
  // a selector, which the client must see as ADDED / DELETED, as the real watch cache does.
  const known = new Set<string>();
  const existing = store.list(filter.kind, filter.namespace).filter(inScope);
  const synthetic = options.sendInitialEvents || options.resourceVersion === undefined || options.resourceVersion === '' || options.resourceVersion === '0';
  for (const obj of existing) {
    known.add(keyOf(obj));
    if (synthetic) send('ADDED', filter.present(obj));
  }
  if (options.sendInitialEvents) {
    send('BOOKMARK', {
      apiVersion: filter.apiVersion,
      kind: filter.kind.kind,
      metadata: { name: '', resourceVersion: store.currentResourceVersion(), annotations: { 'k8s.io/initial-events-end': 'true' } },
    });
  }

  const onEvent = (event: StoreEvent) => {
    if (event.resource.group !== filter.kind.group || event.resource.resource !== filter.kind.resource) return;
    const obj = event.object;
    const key = keyOf(obj);
    const wasKnown = known.has(key);
    if (event.type === 'DELETED') {
      if (wasKnown) {
        known.delete(key);
        send('DELETED', filter.present(obj));
      }
      return;
    }
    if (inScope(obj)) {
      known.add(key);
      send(wasKnown ? 'MODIFIED' : 'ADDED', filter.present(obj));
    } else if (wasKnown) {
      known.delete(key);
      send('DELETED', filter.present(obj));
    }
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
