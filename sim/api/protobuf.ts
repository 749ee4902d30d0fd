// Decodes Kubernetes protobuf request bodies (`application/vnd.kubernetes.protobuf`). client-go's
// typed clients, which helm's release storage uses, send Secrets this way: the magic `k8s\0`, then a
// runtime.Unknown envelope whose `raw` holds the v1.Secret message. Field numbers follow
// k8s.io/api core/v1/generated.proto and apimachinery meta/v1 and runtime generated.proto.
import protobuf from 'protobufjs';
import type { KubeObject } from '../store/types.js';
import { ApiError } from './status.js';

const PROTO = `
syntax = "proto2";
package sim;
message TypeMeta { optional string apiVersion = 1; optional string kind = 2; }
message Unknown {
  optional TypeMeta typeMeta = 1;
  optional bytes raw = 2;
  optional string contentEncoding = 3;
  optional string contentType = 4;
}
message Time { optional int64 seconds = 1; optional int32 nanos = 2; }
message OwnerReference {
  optional string kind = 1;
  optional string name = 3;
  optional string uid = 4;
  optional string apiVersion = 5;
  optional bool controller = 6;
  optional bool blockOwnerDeletion = 7;
}
message ObjectMeta {
  optional string name = 1;
  optional string generateName = 2;
  optional string namespace = 3;
  optional string selfLink = 4;
  optional string uid = 5;
  optional string resourceVersion = 6;
  optional int64 generation = 7;
  optional Time creationTimestamp = 8;
  optional Time deletionTimestamp = 9;
  optional int64 deletionGracePeriodSeconds = 10;
  map<string, string> labels = 11;
  map<string, string> annotations = 12;
  repeated OwnerReference ownerReferences = 13;
  repeated string finalizers = 14;
}
message Secret {
  optional ObjectMeta metadata = 1;
  map<string, bytes> data = 2;
  optional string type = 3;
  map<string, string> stringData = 4;
  optional bool immutable = 5;
}
`;

const root = protobuf.parse(PROTO, { keepCase: true }).root;
const UnknownType = root.lookupType('sim.Unknown');
const SecretType = root.lookupType('sim.Secret');

/** PROTOBUF_MAGIC prefixes every Kubernetes protobuf body. */
export const PROTOBUF_MAGIC = Buffer.from([0x6b, 0x38, 0x73, 0x00]);

/** PROTOBUF_TYPES exposes the message types, for tests that build bodies the way client-go does. */
export const PROTOBUF_TYPES = { Unknown: UnknownType, Secret: SecretType };

function timeToString(t: { seconds?: unknown } | undefined): string | undefined {
  if (!t || t.seconds === undefined) return undefined;
  return new Date(Number(t.seconds) * 1000).toISOString().replace(/\.\d+Z$/, 'Z');
}

type Decoded = Record<string, unknown>;

function metaFromProto(m: Decoded | undefined): KubeObject['metadata'] {
  const meta: Record<string, unknown> = {};
  if (!m) return meta as KubeObject['metadata'];
  for (const key of ['name', 'generateName', 'namespace', 'uid', 'resourceVersion'] as const) {
    if (typeof m[key] === 'string' && m[key] !== '') meta[key] = m[key];
  }
  if (m.generation !== undefined && Number(m.generation) !== 0) meta.generation = Number(m.generation);
  const created = timeToString(m.creationTimestamp as Decoded | undefined);
  if (created) meta.creationTimestamp = created;
  const deleted = timeToString(m.deletionTimestamp as Decoded | undefined);
  if (deleted) meta.deletionTimestamp = deleted;
  if (m.labels && Object.keys(m.labels).length > 0) meta.labels = { ...(m.labels as Record<string, string>) };
  if (m.annotations && Object.keys(m.annotations).length > 0) meta.annotations = { ...(m.annotations as Record<string, string>) };
  if (Array.isArray(m.ownerReferences) && m.ownerReferences.length > 0) meta.ownerReferences = m.ownerReferences;
  if (Array.isArray(m.finalizers) && m.finalizers.length > 0) meta.finalizers = m.finalizers;
  return meta as KubeObject['metadata'];
}

/** decodeProtobufObject decodes a protobuf request body into the JSON object it encodes. */
export function decodeProtobufObject(body: Buffer): KubeObject {
  if (body.length < 4 || !body.subarray(0, 4).equals(PROTOBUF_MAGIC)) {
    throw new ApiError(400, 'BadRequest', 'protobuf body lacks the k8s\\0 prefix');
  }
  const envelope = UnknownType.toObject(UnknownType.decode(body.subarray(4)), { defaults: false }) as Decoded;
  const typeMeta = (envelope.typeMeta ?? {}) as { apiVersion?: string; kind?: string };
  const raw = envelope.raw as Uint8Array | undefined;
  if (typeMeta.kind !== 'Secret' || (typeMeta.apiVersion ?? 'v1') !== 'v1' || !raw) {
    throw new ApiError(415, 'UnsupportedMediaType', `the simulated server decodes protobuf only for v1 Secret, not ${typeMeta.apiVersion}/${typeMeta.kind}`);
  }
  const secret = SecretType.toObject(SecretType.decode(raw), { defaults: false }) as Decoded;
  const obj: KubeObject = { apiVersion: 'v1', kind: 'Secret', metadata: metaFromProto(secret.metadata as Decoded | undefined) };
  const data = secret.data as Record<string, Uint8Array> | undefined;
  if (data && Object.keys(data).length > 0) {
    // JSON carries bytes as base64, as the apiserver's JSON encoding of []byte does.
    obj.data = Object.fromEntries(Object.entries(data).map(([k, v]) => [k, Buffer.from(v).toString('base64')]));
  }
  const stringData = secret.stringData as Record<string, string> | undefined;
  if (stringData && Object.keys(stringData).length > 0) obj.stringData = { ...stringData };
  if (typeof secret.type === 'string' && secret.type !== '') obj.type = secret.type;
  if (secret.immutable !== undefined) obj.immutable = secret.immutable;
  return obj;
}
