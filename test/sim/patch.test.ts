import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { jsonPatch, mergePatch, strategicMergePatch } from '../../sim/api/patch.js';
import { ApiError } from '../../sim/api/status.js';

const pod = {
  spec: {
    containers: [
      { name: 'app', image: 'app:1', env: [{ name: 'A', value: '1' }, { name: 'B', value: '2' }], ports: [{ containerPort: 8080, name: 'http' }] },
      { name: 'sidecar', image: 'proxy:1' },
    ],
    volumes: [{ name: 'v1', emptyDir: {} }],
  },
};

describe('strategicMergePatch', () => {
  it('merges lists of objects by name and keeps unnamed siblings', () => {
    const out = strategicMergePatch(pod, { spec: { containers: [{ name: 'app', image: 'app:2' }] } }) as typeof pod;
    assert.deepEqual(out.spec.containers.map((c) => [c.name, c.image]), [['app', 'app:2'], ['sidecar', 'proxy:1']]);
    assert.equal(out.spec.containers[0]!.env!.length, 2);
  });

  it('merges nested keyed lists (env by name, ports by containerPort)', () => {
    const out = strategicMergePatch(pod, {
      spec: { containers: [{ name: 'app', env: [{ name: 'B', value: '3' }, { name: 'C', value: '4' }], ports: [{ containerPort: 8080, protocol: 'TCP' }] }] },
    }) as typeof pod;
    const app = out.spec.containers[0]!;
    assert.deepEqual(app.env, [{ name: 'A', value: '1' }, { name: 'B', value: '3' }, { name: 'C', value: '4' }]);
    assert.deepEqual(app.ports, [{ containerPort: 8080, name: 'http', protocol: 'TCP' }]);
  });

  it('orders a list by $setElementOrder and strips the directive', () => {
    const out = strategicMergePatch(pod, {
      spec: { '$setElementOrder/containers': [{ name: 'sidecar' }, { name: 'app' }], containers: [{ name: 'app', image: 'app:3' }] },
    }) as Record<string, any>;
    assert.deepEqual(out.spec.containers.map((c: { name: string }) => c.name), ['sidecar', 'app']);
    assert.equal(out.spec.containers[1].image, 'app:3');
    assert.ok(!Object.keys(out.spec).some((k) => k.startsWith('$')));
  });

  it('deletes list elements and maps with $patch: delete, and keys with null', () => {
    const out = strategicMergePatch(pod, {
      spec: { containers: [{ name: 'sidecar', $patch: 'delete' }], volumes: null },
    }) as Record<string, any>;
    assert.deepEqual(out.spec.containers.map((c: { name: string }) => c.name), ['app']);
    assert.equal(out.spec.volumes, undefined);
  });

  it('replaces a map with $patch: replace and a list with a replace element', () => {
    const out = strategicMergePatch(
      { spec: { selector: { a: '1', b: '2' }, containers: [{ name: 'x' }, { name: 'y' }] } },
      { spec: { selector: { c: '3', $patch: 'replace' }, containers: [{ name: 'z' }, { $patch: 'replace' }] } },
    ) as Record<string, any>;
    assert.deepEqual(out.spec.selector, { c: '3' });
    assert.deepEqual(out.spec.containers, [{ name: 'z' }]);
  });

  it('replaces lists without a merge key (args)', () => {
    const out = strategicMergePatch({ args: ['a', 'b'] }, { args: ['c'] });
    assert.deepEqual(out, { args: ['c'] });
  });

  it('removes values with $deleteFromPrimitiveList', () => {
    const out = strategicMergePatch({ metadata: { finalizers: ['a', 'b'] } }, { metadata: { '$deleteFromPrimitiveList/finalizers': ['a'] } });
    assert.deepEqual(out, { metadata: { finalizers: ['b'] } });
  });
});

describe('mergePatch (RFC 7386)', () => {
  it('merges maps, replaces lists, deletes on null', () => {
    const out = mergePatch({ a: { b: 1, c: 2 }, l: [1, 2], d: 1 }, { a: { b: 9 }, l: [3], d: null });
    assert.deepEqual(out, { a: { b: 9, c: 2 }, l: [3] });
  });
});

describe('jsonPatch (RFC 6902)', () => {
  it('applies operations without touching the input', () => {
    const input = { spec: { replicas: 1, list: ['a'] } };
    const out = jsonPatch(input, [
      { op: 'replace', path: '/spec/replicas', value: 3 },
      { op: 'add', path: '/spec/list/-', value: 'b' },
    ]);
    assert.deepEqual(out, { spec: { replicas: 3, list: ['a', 'b'] } });
    assert.equal(input.spec.replicas, 1);
  });

  it('fails a test operation with 422', () => {
    assert.throws(
      () => jsonPatch({ a: 1 }, [{ op: 'test', path: '/a', value: 2 }]),
      (e: unknown) => e instanceof ApiError && e.code === 422,
    );
  });
});
