import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Cluster } from '../../sim/cluster.js';
import { KINDS } from '../../sim/store/resources.js';
import type { KubeConnection } from '../../src/kube/kube-context.js';
import { ConflictError, InvalidRecordError } from '../../src/kube/kube-errors.js';
import { ConfigMapRecordStore, RECORD_KEY } from '../../src/kube/record-store.js';
import { sampleRecord, startKube } from './fixtures.js';

describe('ConfigMapRecordStore', () => {
  let cluster: Cluster;
  let kube: KubeConnection;
  let store: ConfigMapRecordStore;
  before(async () => {
    ({ cluster, kube } = await startKube(['apps']));
    store = new ConfigMapRecordStore(kube);
  });
  after(() => cluster?.stop());

  it('reads nothing for a release without a record', async () => {
    assert.equal(await store.read('apps', 'none'), undefined);
  });

  it('creates, reads and replaces a record, the version moving with each write', async () => {
    const record = sampleRecord('web', 'apps');
    const v1 = await store.write(record, undefined);
    const cm = cluster.store.get(KINDS.configMap, 'apps', 'helm-canary-web')!;
    assert.equal(cm.metadata.resourceVersion, v1);
    assert.deepEqual(cm.metadata.labels, { 'app.kubernetes.io/managed-by': 'helm-canary', 'helm-canary/release': 'web' });
    assert.deepEqual(JSON.parse((cm.data as Record<string, string>)[RECORD_KEY]!), { schemaVersion: 1, ...record });

    const read = await store.read('apps', 'web');
    assert.deepEqual(read, { record, version: v1 });

    const next = { ...record, stage: 3, lastTransitionAt: '2026-01-01T11:00:00.000Z' };
    const v2 = await store.write(next, v1);
    assert.notEqual(v2, v1);
    assert.deepEqual(await store.read('apps', 'web'), { record: next, version: v2 });
  });

  it('refuses a replace at a stale version with a ConflictError', async () => {
    const record = sampleRecord('stale', 'apps');
    const v1 = await store.write(record, undefined);
    await store.write({ ...record, stage: 3 }, v1);
    await assert.rejects(store.write({ ...record, stage: 4 }, v1), (err: unknown) => {
      assert.ok(err instanceof ConflictError);
      assert.match(err.message, /changed since it was read/);
      return true;
    });
    assert.equal((await store.read('apps', 'stale'))!.record.stage, 3);
  });

  it('lets exactly one of two concurrent creates win', async () => {
    const results = await Promise.allSettled([
      store.write(sampleRecord('race', 'apps', { startedBy: 'a' }), undefined),
      store.write(sampleRecord('race', 'apps', { startedBy: 'b' }), undefined),
    ]);
    const won = results.filter((r) => r.status === 'fulfilled');
    const lost = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
    assert.equal(won.length, 1);
    assert.equal(lost.length, 1);
    assert.ok(lost[0]!.reason instanceof ConflictError);
    assert.match(lost[0]!.reason.message, /already exists: another command started a rollout/);
  });

  it('turns a replace of a deleted record into a ConflictError', async () => {
    const v = await store.write(sampleRecord('gone', 'apps'), undefined);
    cluster.store.delete(KINDS.configMap, 'apps', 'helm-canary-gone');
    await assert.rejects(store.write(sampleRecord('gone', 'apps', { stage: 3 }), v), ConflictError);
  });

  it('lists the records of a namespace by label, naming the unreadable ones apart', async () => {
    cluster.createNamespace('listing');
    await store.write(sampleRecord('b', 'listing'), undefined);
    await store.write(sampleRecord('a', 'listing'), undefined);
    cluster.store.create(KINDS.configMap, {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'helm-canary-broken', namespace: 'listing', labels: { 'app.kubernetes.io/managed-by': 'helm-canary' } },
      data: { [RECORD_KEY]: '{not json' },
    });
    cluster.store.create(KINDS.configMap, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'other', namespace: 'listing' }, data: {} });
    const { records, unreadable } = await store.list('listing');
    assert.deepEqual(records.map((r) => r.release), ['a', 'b']);
    assert.deepEqual(unreadable.map((u) => u.release), ['broken']);
    assert.match(unreadable[0]!.problem, /helm-canary-broken.*is not valid JSON/);
  });

  it('reports a record that is not JSON as an InvalidRecordError', async () => {
    cluster.store.create(KINDS.configMap, {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'helm-canary-bad', namespace: 'apps' },
      data: { [RECORD_KEY]: '[1,2' },
    });
    await assert.rejects(store.read('apps', 'bad'), InvalidRecordError);
  });
});
