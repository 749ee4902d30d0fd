import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { MemoryStore } from '../../sim/store/memory-store.js';
import { KINDS } from '../../sim/store/resources.js';
import { StoreError } from '../../sim/store/types.js';
import type { KubeObject, StoreEvent } from '../../sim/store/types.js';

function withNamespace(): MemoryStore {
  const store = new MemoryStore();
  store.create(KINDS.namespace, { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'ns' } });
  return store;
}

function deployment(replicas = 1): KubeObject {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'web', namespace: 'ns' },
    spec: { replicas, selector: { matchLabels: { app: 'web' } }, template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'c', image: 'x:1' }] } } },
  };
}

describe('MemoryStore', () => {
  it('fills bookkeeping fields and Deployment defaults on create', () => {
    const store = withNamespace();
    const created = store.create(KINDS.deployment, deployment());
    assert.equal(created.metadata.generation, 1);
    assert.ok(created.metadata.uid);
    assert.ok(created.metadata.creationTimestamp);
    assert.equal(created.metadata.resourceVersion, store.currentResourceVersion());
    const spec = created.spec as Record<string, unknown>;
    assert.equal(spec.progressDeadlineSeconds, 600);
    assert.equal(spec.revisionHistoryLimit, 10);
    assert.deepEqual(spec.strategy, { type: 'RollingUpdate', rollingUpdate: { maxSurge: '25%', maxUnavailable: '25%' } });
  });

  it('allocates a Service clusterIP and keeps it across updates', () => {
    const store = withNamespace();
    const svc = store.create(KINDS.service, { apiVersion: 'v1', kind: 'Service', metadata: { name: 'web', namespace: 'ns' }, spec: { ports: [{ port: 80 }] } });
    const spec = svc.spec as Record<string, unknown>;
    assert.match(String(spec.clusterIP), /^10\.96\.\d+\.\d+$/);
    assert.equal(spec.type, 'ClusterIP');
    const updated = store.update(KINDS.service, { ...svc, spec: { ports: [{ port: 81 }] } });
    assert.equal((updated.spec as Record<string, unknown>).clusterIP, spec.clusterIP);
  });

  it('bumps generation only when spec changes', () => {
    const store = withNamespace();
    const created = store.create(KINDS.deployment, deployment());
    const labelled = store.update(KINDS.deployment, { ...created, metadata: { ...created.metadata, labels: { a: 'b' } } });
    assert.equal(labelled.metadata.generation, 1);
    const scaled = store.update(KINDS.deployment, { ...labelled, spec: { ...(labelled.spec as object), replicas: 3 } });
    assert.equal(scaled.metadata.generation, 2);
    const status = store.update(KINDS.deployment, { ...scaled, status: { replicas: 3 } }, { subresource: 'status' });
    assert.equal(status.metadata.generation, 2);
    assert.deepEqual(status.status, { replicas: 3 });
  });

  it('rejects a stale resourceVersion with 409 Conflict', () => {
    const store = withNamespace();
    const created = store.create(KINDS.deployment, deployment());
    store.update(KINDS.deployment, { ...created, spec: { ...(created.spec as object), replicas: 2 } });
    assert.throws(
      () => store.update(KINDS.deployment, { ...created, spec: { ...(created.spec as object), replicas: 5 } }),
      (err: unknown) => err instanceof StoreError && err.code === 409 && err.reason === 'Conflict',
    );
  });

  it('rejects duplicates, missing namespaces and invalid names', () => {
    const store = withNamespace();
    store.create(KINDS.deployment, deployment());
    assert.throws(() => store.create(KINDS.deployment, deployment()), (e: unknown) => e instanceof StoreError && e.code === 409 && e.reason === 'AlreadyExists');
    const elsewhere = deployment();
    elsewhere.metadata.namespace = 'missing';
    assert.throws(() => store.create(KINDS.deployment, elsewhere), (e: unknown) => e instanceof StoreError && e.code === 404);
    const badName = deployment();
    badName.metadata.name = 'Web_1';
    assert.throws(() => store.create(KINDS.deployment, badName), (e: unknown) => e instanceof StoreError && e.code === 422);
  });

  it('emits one event per write, synchronously, and none for a no-op update', () => {
    const store = withNamespace();
    const events: StoreEvent[] = [];
    const unsubscribe = store.subscribe((e) => events.push(e));
    const created = store.create(KINDS.deployment, deployment());
    assert.equal(events.length, 1);
    store.update(KINDS.deployment, created);
    assert.equal(events.length, 1);
    store.delete(KINDS.deployment, 'ns', 'web');
    assert.deepEqual(events.map((e) => e.type), ['ADDED', 'DELETED']);
    unsubscribe();
    store.create(KINDS.deployment, deployment());
    assert.equal(events.length, 2);
  });

  it('returns deep copies', () => {
    const store = withNamespace();
    const created = store.create(KINDS.deployment, deployment());
    (created.spec as Record<string, unknown>).replicas = 99;
    assert.equal((store.get(KINDS.deployment, 'ns', 'web')!.spec as Record<string, unknown>).replicas, 1);
  });

  it('deletes dependents and namespace contents', () => {
    const store = withNamespace();
    const owner = store.create(KINDS.deployment, deployment());
    store.create(KINDS.replicaSet, {
      apiVersion: 'apps/v1',
      kind: 'ReplicaSet',
      metadata: { name: 'web-1', namespace: 'ns', ownerReferences: [{ apiVersion: 'apps/v1', kind: 'Deployment', name: 'web', uid: owner.metadata.uid!, controller: true }] },
      spec: {},
    });
    store.delete(KINDS.deployment, 'ns', 'web');
    assert.equal(store.list(KINDS.replicaSet, 'ns').length, 0);
    store.create(KINDS.configMap, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c', namespace: 'ns' } });
    store.delete(KINDS.namespace, undefined, 'ns');
    assert.equal(store.list(KINDS.configMap).length, 0);
  });
});
