// Decodes the release record helm keeps in a storage Secret's `data.release`. Helm encodes the
// release JSON as base64(gzip(json)), and the Secret's `data` is base64 on top of that, so the
// API returns it base64 twice. Helm gunzips only when the payload starts with gzip's magic bytes
// (records written by old helm versions, or by hand, are plain JSON), and so does this.
import { gunzipSync } from 'node:zlib';

// What helm's decodeRelease checks: gzip's two magic bytes and the deflate method.
const GZIP_MAGIC = Buffer.from([0x1f, 0x8b, 0x08]);

/** HelmReleaseRecord is the part of helm's release JSON this tool reads. */
export interface HelmReleaseRecord {
  name?: string;
  version?: number;
  /** description is what the revision was: helm's own text, or the --description it was given. */
  info?: { status?: string; description?: string };
  /** The user-supplied values; helm leaves it out when there are none. */
  config?: Record<string, unknown> | null;
}

/** decodeHelmRelease turns a storage Secret's `data.release` (as the API returns it) into the release. */
export function decodeHelmRelease(secretData: string): HelmReleaseRecord {
  const payload = Buffer.from(Buffer.from(secretData, 'base64').toString('latin1'), 'base64');
  const json = payload.subarray(0, GZIP_MAGIC.length).equals(GZIP_MAGIC) ? gunzipSync(payload) : payload;
  const release: unknown = JSON.parse(json.toString('utf8'));
  if (typeof release !== 'object' || release === null || Array.isArray(release)) throw new Error('not a release object');
  return release as HelmReleaseRecord;
}
