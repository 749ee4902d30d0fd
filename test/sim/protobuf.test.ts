import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { PROTOBUF_MAGIC, PROTOBUF_TYPES, decodeProtobufObject } from '../../sim/api/protobuf.js';
import { ApiError } from '../../sim/api/status.js';

// Builds a body the way client-go does: magic, then runtime.Unknown{typeMeta, raw=<Secret>}.
function encode(apiVersion: string, kind: string, secret: Record<string, unknown>): Buffer {
  const { Unknown, Secret } = PROTOBUF_TYPES;
  const raw = Secret.encode(Secret.fromObject(secret)).finish();
  const envelope = Unknown.encode(Unknown.fromObject({ typeMeta: { apiVersion, kind }, raw, contentEncoding: '', contentType: '' })).finish();
  return Buffer.concat([PROTOBUF_MAGIC, envelope]);
}

describe('decodeProtobufObject', () => {
  it('decodes a helm release Secret with data as base64', () => {
    const payload = Buffer.from('H4sIAAAA-release-bytes');
    const body = encode('v1', 'Secret', {
      metadata: { name: 'sh.helm.release.v1.rel.v1', namespace: 'ns', labels: { owner: 'helm', name: 'rel', status: 'deployed', version: '1' }, creationTimestamp: { seconds: 1700000000 } },
      data: { release: payload },
      type: 'helm.sh/release.v1',
    });
    const obj = decodeProtobufObject(body);
    assert.equal(obj.kind, 'Secret');
    assert.equal(obj.apiVersion, 'v1');
    assert.equal(obj.metadata.name, 'sh.helm.release.v1.rel.v1');
    assert.equal(obj.metadata.namespace, 'ns');
    assert.deepEqual(obj.metadata.labels, { owner: 'helm', name: 'rel', status: 'deployed', version: '1' });
    assert.equal(obj.metadata.creationTimestamp, '2023-11-14T22:13:20Z');
    assert.equal(obj.type, 'helm.sh/release.v1');
    assert.equal(Buffer.from((obj.data as Record<string, string>).release!, 'base64').toString(), payload.toString());
  });

  it('keeps resourceVersion for updates and stringData', () => {
    const obj = decodeProtobufObject(encode('v1', 'Secret', { metadata: { name: 's', resourceVersion: '42' }, stringData: { k: 'v' }, immutable: true }));
    assert.equal(obj.metadata.resourceVersion, '42');
    assert.deepEqual(obj.stringData, { k: 'v' });
    assert.equal(obj.immutable, true);
  });

  it('refuses bodies without the magic, and kinds other than Secret', () => {
    assert.throws(() => decodeProtobufObject(Buffer.from('{}')), (e: unknown) => e instanceof ApiError && e.code === 400);
    assert.throws(() => decodeProtobufObject(encode('v1', 'ConfigMap', {})), (e: unknown) => e instanceof ApiError && e.code === 415);
  });
});
