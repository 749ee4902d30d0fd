// Watch semantics over HTTP: the streaming list helm 4 uses, synthetic ADDED for watches
// without a resourceVersion, live events filtered by selectors, timeouts and client aborts.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { startCluster } from '../../sim/cluster.js';
import type { Cluster } from '../../sim/cluster.js';
import { KINDS } from '../../sim/store/resources.js';
import type { KubeObject } from '../../sim/store/types.js';

interface WatchEvent {
  type: string;
  object: KubeObject;
}

// Reads newline-separated watch events from a streaming response, one at a time.
function eventReader(body: ReadableStream<Uint8Array>) {
  const reader = body.getReader();
  const decoder = new TextDecoder();
  let buffer = '';
  return {
    async next(): Promise<WatchEvent | undefined> {
      for (;;) {
        const newline = buffer.indexOf('\n');
        if (newline >= 0) {
          const line = buffer.slice(0, newline);
          buffer = buffer.slice(newline + 1);
          if (line.trim() !== '') return JSON.parse(line) as WatchEvent;
          continue;
        }
        const { done, value } = await reader.read();
        if (done) return undefined;
        buffer += decoder.decode(value, { stream: true });
      }
    },
  };
}

function configMap(name: string, labels: Record<string, string> = {}): KubeObject {
  return { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace: 'w', labels }, data: { k: name } };
}

async function until(check: () => boolean): Promise<void> {
  for (let i = 0; i < 200 && !check(); i++) await sleep(10);
  assert.ok(check());
}

describe('watch', () => {
  let cluster: Cluster;
  before(async () => {
    cluster = await startCluster({ controllers: [], namespaces: ['w'] });
  });
  after(() => cluster.stop());

  it('streams a list: ADDED per object, the initial-events-end bookmark, then live events', async () => {
    cluster.store.create(KINDS.configMap, configMap('a'));
    cluster.store.create(KINDS.configMap, configMap('b'));
    const abort = new AbortController();
    const res = await fetch(
      `${cluster.url}/api/v1/namespaces/w/configmaps?watch=true&sendInitialEvents=true&resourceVersionMatch=NotOlderThan&allowWatchBookmarks=true`,
      { signal: abort.signal },
    );
    assert.equal(res.status, 200);
    const events = eventReader(res.body!);
    const first = await events.next();
    const second = await events.next();
    assert.deepEqual([first?.type, second?.type], ['ADDED', 'ADDED']);
    assert.deepEqual([first?.object.metadata.name, second?.object.metadata.name], ['a', 'b']);
    const bookmark = await events.next();
    assert.equal(bookmark?.type, 'BOOKMARK');
    assert.equal(bookmark?.object.metadata.annotations?.['k8s.io/initial-events-end'], 'true');
    assert.equal(bookmark?.object.metadata.resourceVersion, cluster.store.currentResourceVersion());
    const live = cluster.store.get(KINDS.configMap, 'w', 'a')!;
    cluster.store.update(KINDS.configMap, { ...live, data: { k: 'changed' } });
    const modified = await events.next();
    assert.equal(modified?.type, 'MODIFIED');
    assert.deepEqual(modified?.object.data, { k: 'changed' });
    cluster.store.delete(KINDS.configMap, 'w', 'b');
    assert.equal((await events.next())?.type, 'DELETED');
    abort.abort();
  });

  it('sends only later events when given a resourceVersion, filtered by label selector', async () => {
    const rv = cluster.store.currentResourceVersion();
    const abort = new AbortController();
    const res = await fetch(`${cluster.url}/api/v1/namespaces/w/configmaps?watch=1&resourceVersion=${rv}&labelSelector=track%3Dcanary`, { signal: abort.signal });
    const events = eventReader(res.body!);
    cluster.store.create(KINDS.configMap, configMap('other', { track: 'stable' }));
    const canary = cluster.store.create(KINDS.configMap, configMap('canary', { track: 'canary' }));
    const added = await events.next();
    assert.equal(added?.type, 'ADDED');
    assert.equal(added?.object.metadata.name, 'canary');
    // Relabelling moves the object out of the selector: the watcher sees it deleted.
    cluster.store.update(KINDS.configMap, { ...canary, metadata: { ...canary.metadata, labels: { track: 'stable' } } });
    assert.equal((await events.next())?.type, 'DELETED');
    abort.abort();
  });

  it('watches one object by name with the fieldSelector helm uses', async () => {
    const abort = new AbortController();
    const res = await fetch(`${cluster.url}/api/v1/namespaces/w/configmaps?watch=true&fieldSelector=metadata.name%3Da`, { signal: abort.signal });
    const events = eventReader(res.body!);
    // Without a resourceVersion the watch starts with the current state.
    const initial = await events.next();
    assert.equal(initial?.object.metadata.name, 'a');
    cluster.store.create(KINDS.configMap, configMap('zz'));
    const a = cluster.store.get(KINDS.configMap, 'w', 'a')!;
    cluster.store.update(KINDS.configMap, { ...a, data: { k: 'again' } });
    const next = await events.next();
    assert.equal(next?.object.metadata.name, 'a');
    abort.abort();
  });

  it('serves Istio kinds at every version from one store', async () => {
    const abort = new AbortController();
    const res = await fetch(`${cluster.url}/apis/networking.istio.io/v1/namespaces/w/virtualservices?watch=true&sendInitialEvents=true&allowWatchBookmarks=true`, { signal: abort.signal });
    const events = eventReader(res.body!);
    assert.equal((await events.next())?.type, 'BOOKMARK');
    const post = await fetch(`${cluster.url}/apis/networking.istio.io/v1beta1/namespaces/w/virtualservices`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ apiVersion: 'networking.istio.io/v1beta1', kind: 'VirtualService', metadata: { name: 'vs' }, spec: { hosts: ['x'] } }),
    });
    assert.equal(post.status, 201);
    const added = await events.next();
    assert.equal(added?.type, 'ADDED');
    assert.equal(added?.object.apiVersion, 'networking.istio.io/v1');
    abort.abort();
  });

  it('ends the stream after timeoutSeconds', async () => {
    // From the current resourceVersion: nothing to replay (resourceVersion=1 would replay every change).
    const rv = cluster.store.currentResourceVersion();
    const res = await fetch(`${cluster.url}/api/v1/namespaces/w/configmaps?watch=true&resourceVersion=${rv}&timeoutSeconds=1`);
    const events = eventReader(res.body!);
    assert.equal(await events.next(), undefined);
  });

  it('closes the stream when the client goes away', async () => {
    await until(() => cluster.server.activeWatches === 0);
    const abort = new AbortController();
    const res = await fetch(`${cluster.url}/api/v1/namespaces/w/configmaps?watch=true&resourceVersion=${cluster.store.currentResourceVersion()}`, { signal: abort.signal });
    assert.equal(res.status, 200);
    assert.equal(cluster.server.activeWatches, 1);
    abort.abort();
    await until(() => cluster.server.activeWatches === 0);
  });
});
