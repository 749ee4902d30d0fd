// Connects to the cluster a kubeconfig names: finds and loads the kubeconfig, selects the
// context, builds the API clients with a per-request timeout, and probes `GET /version` so an
// unreachable cluster fails in seconds with a clear message, before anything else is attempted.
import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { delimiter, join } from 'node:path';
import {
  AppsV1Api,
  CoordinationV1Api,
  CoreV1Api,
  CustomObjectsApi,
  KubeConfig,
  ServerConfiguration,
  VersionApi,
  createConfiguration,
  type Configuration,
  type Middleware,
} from '@kubernetes/client-node';
import { KubeApiError, KubeConfigError, apiStatusOf, classifyKubeError, isConflict, isNotFound, redactUrl } from './kube-errors.js';

/** ConnectOptions choose the kubeconfig and context and bound how long requests may take. */
export interface ConnectOptions {
  /** Path to the kubeconfig; else `KUBECONFIG` (a path list), else ~/.kube/config. */
  kubeconfig?: string;
  /** Context to use instead of the kubeconfig's current-context. */
  context?: string;
  /** Abort any single API request after this long (default 30 s). */
  requestTimeoutMs?: number;
  /** Timeout of the reachability probe (default 5 s). */
  probeTimeoutMs?: number;
  /** Probe `GET /version` before returning (default true). */
  probe?: boolean;
  /** Environment to read KUBECONFIG from (default process.env); for tests. */
  env?: Record<string, string | undefined>;
}

/** KubeConnection is a connected cluster: its identity and the API clients the adapters use. */
export interface KubeConnection {
  /** The API server URL (user info removed). */
  server: string;
  context: string;
  /** The kubeconfig file(s) loaded. */
  kubeconfigPaths: string[];
  /** The context's default namespace, if it names one. */
  namespace?: string;
  /** The server's version (`gitVersion`), when probed. */
  serverVersion?: string;
  requestTimeoutMs: number;
  core: CoreV1Api;
  apps: AppsV1Api;
  custom: CustomObjectsApi;
  coordination: CoordinationV1Api;
  /** probe asks `GET /version`; throws ClusterUnreachableError (or a KubeApiError) when it fails. */
  probe(timeoutMs?: number): Promise<string>;
  /** call runs one API request and turns its failure into the adapter's typed errors. */
  call<T>(what: string, request: () => Promise<T>): Promise<T>;
}

const DEFAULT_REQUEST_TIMEOUT_MS = 30_000;
const DEFAULT_PROBE_TIMEOUT_MS = 5_000;

/** kubeconfigPaths lists the kubeconfig files to load, in kubectl's order of precedence. */
export function kubeconfigPaths(explicit: string | undefined, env: Record<string, string | undefined>): string[] {
  if (explicit) return [explicit];
  const fromEnv = (env.KUBECONFIG ?? '').split(delimiter).filter(Boolean);
  if (fromEnv.length > 0) return fromEnv;
  return [join(env.HOME ?? homedir(), '.kube', 'config')];
}

// loadOne reads one kubeconfig file. The parser's own message is not repeated: YAML errors quote
// the offending line, which may be a token or a client key.
function loadOne(path: string): KubeConfig {
  const kc = new KubeConfig();
  try {
    kc.loadFromFile(path);
  } catch (err) {
    const line = (err as { mark?: { line?: number } }).mark?.line;
    const where = typeof line === 'number' ? ` (near line ${line + 1})` : '';
    const code = (err as { code?: string }).code;
    if (code === 'EACCES') throw new KubeConfigError(`kubeconfig ${path} is not readable (permission denied)`, path);
    throw new KubeConfigError(`kubeconfig ${path} could not be parsed${where}`, path);
  }
  return kc;
}

/** loadKubeConfig loads and merges the kubeconfig files and selects the context, without network access. */
export function loadKubeConfig(options: Pick<ConnectOptions, 'kubeconfig' | 'context' | 'env'> = {}): { kc: KubeConfig; paths: string[] } {
  const candidates = kubeconfigPaths(options.kubeconfig, options.env ?? process.env);
  // Like kubectl, a KUBECONFIG list may name files that do not exist; an explicit path may not.
  const paths = options.kubeconfig ? candidates : candidates.filter((p) => existsSync(p));
  if (paths.length === 0 || !existsSync(paths[0]!)) {
    const named = options.kubeconfig ? `kubeconfig ${options.kubeconfig}` : `no kubeconfig found (looked at ${candidates.join(', ')})`;
    throw new KubeConfigError(options.kubeconfig ? `${named} does not exist` : named, candidates[0]);
  }
  const kc = loadOne(paths[0]!);
  for (const p of paths.slice(1)) mergeFirstWins(kc, loadOne(p));
  const label = paths.join(delimiter);

  if (options.context) {
    if (!kc.getContextObject(options.context)) {
      const known = kc.getContexts().map((c) => c.name);
      throw new KubeConfigError(
        `context "${options.context}" is not in ${label}` + (known.length ? ` (it has: ${known.join(', ')})` : ' (it has no contexts)'),
        label,
        options.context,
      );
    }
    kc.setCurrentContext(options.context);
  }
  const context = kc.getCurrentContext();
  if (!context || !kc.getContextObject(context)) {
    throw new KubeConfigError(`${label} has no current context; pass --context`, label, context || undefined);
  }
  const cluster = kc.getCurrentCluster();
  if (!cluster?.server) {
    throw new KubeConfigError(`context "${context}" in ${label} names no cluster with a server URL`, label, context);
  }
  allowPlainHttp(kc, cluster.name);
  return { kc, paths };
}

// mergeFirstWins merges a later file of a KUBECONFIG list into `kc` as kubectl and helm do: the
// first file to name a cluster, user or context wins, and so does the first current-context.
// client-node's mergeConfig throws "Duplicate cluster" instead.
function mergeFirstWins(kc: KubeConfig, later: KubeConfig): void {
  const add = <T extends { name: string }>(mine: T[], theirs: T[]): T[] => [...mine, ...theirs.filter((t) => !mine.some((m) => m.name === t.name))];
  kc.clusters = add(kc.clusters, later.clusters);
  kc.users = add(kc.users, later.users);
  kc.contexts = add(kc.contexts, later.contexts);
  if (!kc.currentContext && later.currentContext) kc.setCurrentContext(later.currentContext);
}

/**
 * namespaceExists asks whether namespace `name` exists. Reading a Namespace is a cluster-scoped
 * permission a release's own Role usually lacks: a 403 says nothing about the namespace, so it
 * counts as existing and the command goes on (a missing one then fails on its first real read).
 */
export async function namespaceExists(kube: KubeConnection, name: string): Promise<boolean> {
  try {
    await kube.call(`GET namespace ${name}`, () => kube.core.readNamespace({ name }));
    return true;
  } catch (err) {
    if (isNotFound(err)) return false;
    if (apiStatusOf(err)?.code === 403 || (err instanceof KubeApiError && err.code === 403)) return true;
    throw err;
  }
}

/** createNamespace creates namespace `name`; one created meanwhile by someone else is fine. */
export async function createNamespace(kube: KubeConnection, name: string): Promise<void> {
  try {
    await kube.call(`create namespace ${name}`, () => kube.core.createNamespace({ body: { apiVersion: 'v1', kind: 'Namespace', metadata: { name } } }));
  } catch (err) {
    if (!isConflict(err)) throw err;
  }
}

// allowPlainHttp lets a plain `http://` server be used as kubectl and helm use it.
// client-node (1.4 and 2.0) refuses http unless the cluster sets insecure-skip-tls-verify; with no TLS
// there is nothing to verify, so setting the flag for such a cluster changes nothing else.
function allowPlainHttp(kc: KubeConfig, clusterName: string): void {
  kc.clusters = kc.clusters.map((c) => (c.name === clusterName && c.server.startsWith('http:') && !c.skipTLSVerify ? { ...c, skipTLSVerify: true } : c));
}

// timeoutMiddleware aborts a request that takes longer than `ms`: client-node has no request
// timeout of its own, and a black-holed API server would otherwise hang the command for minutes.
function timeoutMiddleware(ms: number): Middleware {
  return {
    pre: async (ctx) => {
      ctx.setSignal(AbortSignal.timeout(ms));
      return ctx;
    },
    post: async (res) => res,
  };
}

// configuration builds what makeApiClient builds, plus the timeout middleware. Exactly one
// middleware: client-node (1.4 and 2.0) reverses the configured middleware array in place on every call.
function configuration(kc: KubeConfig, server: string, timeoutMs: number): Configuration {
  return createConfiguration({
    baseServer: new ServerConfiguration(server, {}),
    authMethods: { default: kc },
    promiseMiddleware: [timeoutMiddleware(timeoutMs)],
  });
}

/**
 * connectKube loads the kubeconfig, selects the context and (unless `probe: false`) checks the
 * API server answers. Throws KubeConfigError or ClusterUnreachableError.
 */
export async function connectKube(options: ConnectOptions = {}): Promise<KubeConnection> {
  const { kc, paths } = loadKubeConfig(options);
  const rawServer = kc.getCurrentCluster()!.server;
  const server = redactUrl(rawServer);
  const context = kc.getCurrentContext();
  const namespace = kc.getContextObject(context)?.namespace;
  const requestTimeoutMs = options.requestTimeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS;
  const probeDefault = options.probeTimeoutMs ?? DEFAULT_PROBE_TIMEOUT_MS;

  const config = configuration(kc, rawServer, requestTimeoutMs);

  const call = async <T>(what: string, request: () => Promise<T>): Promise<T> => {
    try {
      return await request();
    } catch (err) {
      throw classifyKubeError(err, { server, what, timeoutMs: requestTimeoutMs });
    }
  };

  const probe = async (timeoutMs = probeDefault): Promise<string> => {
    const version = new VersionApi(configuration(kc, rawServer, timeoutMs));
    try {
      const info = await version.getCode();
      return info.gitVersion;
    } catch (err) {
      // Network failures become ClusterUnreachableError; a 401/403 here is a KubeApiError.
      throw classifyKubeError(err, { server, what: 'GET /version', timeoutMs });
    }
  };

  const conn: KubeConnection = {
    server,
    context,
    kubeconfigPaths: paths,
    namespace,
    requestTimeoutMs,
    core: new CoreV1Api(config),
    apps: new AppsV1Api(config),
    custom: new CustomObjectsApi(config),
    coordination: new CoordinationV1Api(config),
    probe,
    call,
  };
  if (options.probe !== false) conn.serverVersion = await probe();
  return conn;
}
