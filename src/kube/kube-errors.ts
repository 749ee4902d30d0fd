// Typed errors of the kube adapter, and the mapping from what @kubernetes/client-node throws to
// them. This module deliberately does not import the client: the CLI's error reporter can test
// `instanceof` without loading it, and the client's errors are recognised by shape (an
// ApiException has a numeric `code` and a `body`; network failures are fetch errors whose cause
// chain holds a system `code` (undici's `fetch failed` in client-node 2, node-fetch's FetchError
// in 1.x), or an AbortError or TimeoutError when our request timeout fired).

/** KubeError is the base of every error the kube adapter throws on purpose. */
export class KubeError extends Error {
  override name = 'KubeError';
}

/** KubeConfigError: the kubeconfig is missing, unparsable, or lacks the requested context or cluster. */
export class KubeConfigError extends KubeError {
  override name = 'KubeConfigError';
  constructor(
    message: string,
    readonly path?: string,
    readonly context?: string,
  ) {
    super(message);
  }
}

/** ClusterUnreachableError: the API server could not be reached (refused, DNS, TLS, timeout). */
export class ClusterUnreachableError extends KubeError {
  override name = 'ClusterUnreachableError';
  constructor(
    readonly server: string,
    readonly reason: string,
  ) {
    super(`cannot reach the Kubernetes API server at ${server}: ${reason}`);
  }
}

/** ConflictError: a write lost a race (HTTP 409: stale resourceVersion, or the object already exists). */
export class ConflictError extends KubeError {
  override name = 'ConflictError';
}

/** LockHeldError: another holder has a live Lease on the release. */
export class LockHeldError extends KubeError {
  override name = 'LockHeldError';
  constructor(
    readonly release: string,
    readonly namespace: string,
    readonly holder: string,
    readonly expiresAt?: string,
  ) {
    super(
      `release ${namespace}/${release} is locked by ${holder}` +
        (expiresAt ? ` until ${expiresAt} (the lock is renewed while its holder runs)` : ''),
    );
  }
}

/** NotFoundError: an object the adapter needs does not exist. */
export class NotFoundError extends KubeError {
  override name = 'NotFoundError';
}

/** InvalidRecordError: a stored record (the rollout record, a helm release Secret) is not what its writer writes. */
export class InvalidRecordError extends KubeError {
  override name = 'InvalidRecordError';
  /** details name what is wrong (field paths) and how to repair it. */
  constructor(
    message: string,
    readonly details: string[] = [],
  ) {
    super(message);
  }
}

/** ReleaseObjectsError: a release's manifest lacks objects the runner needs; `missing` lists them. */
export class ReleaseObjectsError extends KubeError {
  override name = 'ReleaseObjectsError';
  constructor(
    readonly release: string,
    readonly missing: string[],
  ) {
    super(`release ${release}: the manifest lacks ${missing.join('; ')}`);
  }
}

/** KubeApiError: any other failure the API server answered with (403 forbidden, 422 invalid, 5xx). */
export class KubeApiError extends KubeError {
  override name = 'KubeApiError';
  constructor(
    message: string,
    readonly code: number,
    readonly reason?: string,
  ) {
    super(message);
  }
}

/** ApiStatus is the part of a metav1.Status failure body the adapter reads. */
export interface ApiStatus {
  code: number;
  reason?: string;
  message?: string;
  details?: { name?: string; kind?: string; group?: string };
}

// System error codes that mean "the server is not there" rather than "the server said no".
const NETWORK_CODES: Record<string, string> = {
  ECONNREFUSED: 'connection refused',
  ECONNRESET: 'connection reset',
  EHOSTUNREACH: 'host unreachable',
  ENETUNREACH: 'network unreachable',
  ENOTFOUND: 'host name not found (DNS)',
  EAI_AGAIN: 'DNS lookup failed (temporary)',
  ETIMEDOUT: 'connection timed out',
  EPIPE: 'connection closed',
  UND_ERR_SOCKET: 'connection closed',
};

// TLS verification failures: the server answered, but not as one we trust. Still "unreachable"
// for a pipeline (exit 3): nothing was read or written.
const TLS_CODES = /^(CERT_|UNABLE_TO_|DEPTH_ZERO_|SELF_SIGNED_|ERR_TLS_|ERR_SSL_|EPROTO$)/;

/** apiStatusOf reads the HTTP code and metav1.Status of a client-node ApiException, or undefined. */
export function apiStatusOf(err: unknown): ApiStatus | undefined {
  if (!err || typeof err !== 'object') return undefined;
  const e = err as { code?: unknown; body?: unknown };
  if (typeof e.code !== 'number' || !('body' in e)) return undefined;
  // client-node (1.x and 2.0) leaves an error body as the raw response text; parse it when it is JSON.
  let body: unknown = e.body;
  if (typeof e.body === 'string') {
    try {
      body = JSON.parse(e.body);
    } catch {
      body = { message: e.body.trim() || undefined };
    }
  }
  const b = (body && typeof body === 'object' ? body : {}) as Record<string, unknown>;
  const details = b.details && typeof b.details === 'object' ? (b.details as ApiStatus['details']) : undefined;
  return {
    code: e.code,
    reason: typeof b.reason === 'string' ? b.reason : undefined,
    message: typeof b.message === 'string' ? b.message : undefined,
    details,
  };
}

/** isNotFound is true for an HTTP 404 from the API server. */
export function isNotFound(err: unknown): boolean {
  return apiStatusOf(err)?.code === 404 || err instanceof NotFoundError;
}

/** undefinedWhenNotFound is a read's result, or undefined when the object does not exist (404); other failures are thrown. */
export async function undefinedWhenNotFound<T>(read: Promise<T>): Promise<T | undefined> {
  try {
    return await read;
  } catch (err) {
    if (isNotFound(err)) return undefined;
    throw err;
  }
}

/** isConflict is true for an HTTP 409 from the API server (Conflict or AlreadyExists). */
export function isConflict(err: unknown): boolean {
  return apiStatusOf(err)?.code === 409 || err instanceof ConflictError;
}

// networkReason finds the system error code in an error or its cause chain and says what it means.
function networkReason(err: unknown, timeoutMs?: number): string | undefined {
  // undici's fetch throws TypeError('fetch failed') for every failure below HTTP; its cause says
  // which, with a system code (ECONNREFUSED...) or without one: fetch's own refusals, such as a
  // port on the fetch standard's list of bad ports, carry only a message.
  let fetchFailed = false;
  let innermost: string | undefined;
  for (let e: unknown = err, depth = 0; e && typeof e === 'object' && depth < 5; depth++) {
    const x = e as { name?: unknown; message?: unknown; code?: unknown; errno?: unknown; type?: unknown; cause?: unknown };
    if (x.name === 'AbortError' || x.name === 'TimeoutError' || x.type === 'aborted') {
      return timeoutMs ? `no answer within ${timeoutMs} ms` : 'request timed out';
    }
    const code = typeof x.code === 'string' ? x.code : typeof x.errno === 'string' ? x.errno : undefined;
    if (code && NETWORK_CODES[code]) return NETWORK_CODES[code];
    if (code && TLS_CODES.test(code)) return `TLS error (${code})`;
    if (x.name === 'FetchError' && x.type === 'system') return code ? `network error (${code})` : 'network error';
    if (x.name === 'TypeError' && x.message === 'fetch failed') fetchFailed = true;
    else if (fetchFailed && typeof x.message === 'string' && x.message) innermost = x.message;
    e = x.cause;
  }
  if (fetchFailed) return innermost ? `network error (${innermost})` : 'network error';
  return undefined;
}

/** ClassifyContext says which server was addressed and what was being done, for messages. */
export interface ClassifyContext {
  server?: string;
  /** What the request was about, e.g. `ConfigMap default/helm-canary-web`. */
  what?: string;
  /** The request timeout in force, to say so when it fired. */
  timeoutMs?: number;
}

/**
 * classifyKubeError maps what client-node throws to the adapter's typed errors: 409 ->
 * ConflictError, 404 -> NotFoundError, other HTTP failures -> KubeApiError, network, DNS, TLS
 * and timeouts -> ClusterUnreachableError. KubeErrors pass through; anything else is returned
 * unchanged. Messages carry the server's Status message, never request headers or credentials.
 */
export function classifyKubeError(err: unknown, ctx: ClassifyContext = {}): Error {
  if (err instanceof KubeError) return err;
  const status = apiStatusOf(err);
  const what = ctx.what ? `${ctx.what}: ` : '';
  if (status) {
    const said = status.message ?? status.reason ?? `HTTP ${status.code}`;
    if (status.code === 409) return new ConflictError(`${what}${said}`);
    if (status.code === 404) return new NotFoundError(`${what}${said}`);
    if (status.code === 401) return new KubeApiError(`${what}the API server rejected the credentials (401 Unauthorized)`, 401, status.reason);
    if (status.code === 403) return new KubeApiError(`${what}forbidden: ${said}`, 403, status.reason);
    return new KubeApiError(`${what}${said} (HTTP ${status.code})`, status.code, status.reason);
  }
  const reason = networkReason(err, ctx.timeoutMs);
  if (reason) return new ClusterUnreachableError(ctx.server ?? 'the configured server', reason);
  return err instanceof Error ? err : new Error(String(err));
}

/** redactUrl drops user info from a server URL so a message never shows a password. */
export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    if (!u.username && !u.password) return url;
    u.username = '';
    u.password = '';
    return u.toString().replace(/\/$/, '');
  } catch {
    return url.replace(/\/\/[^/@]*@/, '//');
  }
}
