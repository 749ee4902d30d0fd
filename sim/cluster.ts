// startCluster: the simulated Kubernetes cluster as a library call for tests and the demo.
// It wires the object store, the API server, a kubeconfig and the controllers together, and
// tears all of it down in stop(). Controllers are pluggable: each is a factory receiving the
// store, the faults and the options, returning something to stop.
import { rm } from 'node:fs/promises';
import { dirname } from 'node:path';
import { ApiServer } from './api/server.js';
import type { RequestLog } from './api/request-log.js';
import { startControllers } from './controllers/index.js';
import type { ControllerOptions } from './controllers/index.js';
import type { Traffic } from './mesh/index.js';
import { Faults } from './faults.js';
import type { PodMetrics } from './metrics.js';
import { writeKubeconfig } from './kubeconfig.js';
import { MemoryStore } from './store/memory-store.js';
import { KINDS } from './store/resources.js';
import type { KubeObject } from './store/types.js';

/** ControllerContext is what every controller factory receives. */
export interface ControllerContext {
  store: MemoryStore;
  faults: Faults;
  options: ClusterOptions;
}

/** ControllerHandle is a running controller; extra fields (e.g. `traffic`) are copied onto the Cluster. */
export interface ControllerHandle {
  stop(): void | Promise<void>;
  [extension: string]: unknown;
}

/** ControllerFactory starts one controller. */
export type ControllerFactory = (ctx: ControllerContext) => ControllerHandle | Promise<ControllerHandle>;

/** ClusterOptions configure startCluster; the controllers' knobs (ControllerOptions) ride along. */
export interface ClusterOptions extends ControllerOptions {
  /** Controllers to run instead of the default set (sim/controllers/index.ts startControllers); [] runs none. */
  controllers?: ControllerFactory[];
  /** Fault rules shared with the caller; a fresh Faults when absent. */
  faults?: Faults;
  /** Port for the API server; a free one when absent. */
  port?: number;
  /** Namespaces to create at start ('default' is always created). */
  namespaces?: string[];
  /** Directory for the kubeconfig; a new temp dir (removed by stop) when absent. */
  kubeconfigDir?: string;
  /** Past events a watch can start from (MemoryStoreOptions.watchHistory); older resourceVersions get 410 Gone. */
  watchHistory?: number;
  [option: string]: unknown;
}

/** Cluster is a running simulated cluster. */
export interface Cluster {
  /** The API server URL, `http://127.0.0.1:PORT`. */
  url: string;
  kubeconfigPath: string;
  store: MemoryStore;
  faults: Faults;
  /** Every request the API server answered. */
  requests: RequestLog;
  server: ApiServer;
  controllers: ControllerHandle[];
  /** The mesh model, from the default controllers; undefined when they are not running. */
  traffic?: Traffic;
  /** The pods' CPU utilization the HPA controller reads (options.metrics or a new one); undefined without the default controllers. */
  metrics?: PodMetrics;
  /** createNamespace creates a namespace (no error when it exists) and returns it. */
  createNamespace(name: string): KubeObject;
  /** stop ends watches, closes the server, stops controllers, removes the temp kubeconfig. */
  stop(): Promise<void>;
  [extension: string]: unknown;
}

/** startCluster starts a simulated cluster; always `stop()` it. */
export async function startCluster(options: ClusterOptions = {}): Promise<Cluster> {
  const store = new MemoryStore({ watchHistory: options.watchHistory });
  const faults = options.faults ?? new Faults();
  const server = new ApiServer({ store, faults, port: options.port });
  const url = await server.start();
  const kubeconfigPath = await writeKubeconfig(url, options.kubeconfigDir);
  const ownsKubeconfigDir = options.kubeconfigDir === undefined;

  const createNamespace = (name: string): KubeObject =>
    store.get(KINDS.namespace, undefined, name) ??
    store.create(KINDS.namespace, { apiVersion: 'v1', kind: 'Namespace', metadata: { name, labels: { 'kubernetes.io/metadata.name': name } } });
  for (const ns of ['default', 'kube-system', ...(options.namespaces ?? [])]) createNamespace(ns);

  const controllers: ControllerHandle[] = [];
  const extensions: Record<string, unknown> = {};
  const stopAll = async () => {
    for (const c of controllers.reverse()) await c.stop();
    await server.stop();
    if (ownsKubeconfigDir) await rm(dirname(kubeconfigPath), { recursive: true, force: true });
  };
  try {
    const factories: ControllerFactory[] = options.controllers ?? [
      (ctx) => {
        const running = startControllers(ctx);
        return { traffic: running.traffic, metrics: running.metrics, stop: () => running.stop() };
      },
    ];
    for (const factory of factories) {
      const handle = await factory({ store, faults, options });
      controllers.push(handle);
      for (const [k, v] of Object.entries(handle)) if (k !== 'stop') extensions[k] = v;
    }
  } catch (err) {
    await stopAll();
    throw err;
  }
  let stopped: Promise<void> | undefined;
  return {
    ...extensions,
    url,
    kubeconfigPath,
    store,
    faults,
    requests: server.requests,
    server,
    controllers,
    createNamespace,
    stop: () => (stopped ??= stopAll()),
  };
}
