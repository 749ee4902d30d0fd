// The mesh half of the simulated cluster, wired for sim/cluster.ts: `createTraffic` gives the
// object `cluster.traffic` exposes to tests and the demo (route one request, run a load, see
// what Envoy knows), sharing the controllers' clock so delays line up.
import { realClock } from '../controllers/clock.js';
import type { Clock } from '../controllers/clock.js';
import { startLoad } from './load.js';
import type { LoadGenerator, LoadOptions } from './load.js';
import { Mesh } from './mesh.js';
import type { MeshView, RouteResult } from './mesh.js';
import { seededRandom } from './random.js';
import type { RandomSource } from './random.js';
import type { MeshSource } from './source.js';
import { ApiMeshSource } from './api-source.js';
import type { ApiSourceOptions } from './api-source.js';

export { Mesh, fqdn } from './mesh.js';
export type { MeshOptions, MeshView, RouteFailureReason, RouteResult } from './mesh.js';
export { NO_SUBSET, share, startLoad } from './load.js';
export type { LoadGenerator, LoadOptions, LoadReport, Router, TrafficCounts, TrafficWindow } from './load.js';
export { seededRandom } from './random.js';
export { MESH_KINDS } from './source.js';
export type { MeshSource } from './source.js';
export { ApiMesh, meshOverApi, meshOverStore } from './factory.js';
export type { MeshOverApiOptions } from './factory.js';
export { ApiMeshSource, ISTIO_VERSIONS } from './api-source.js';
export type { ApiSourceOptions } from './api-source.js';
export type { KindWatchStats } from './kind-watch.js';
export type { RandomSource } from './random.js';

/** TrafficOptions configure the traffic model of a cluster. */
export interface TrafficOptions {
  /** How long configuration and endpoint changes take to reach Envoy. Default 100 ms. */
  meshPropagationDelayMs?: number;
  /** Share the controllers' clock; the wall clock when absent. */
  clock?: Clock;
  /** A seed for reproducible routing; ignored when `random` is given. */
  seed?: number;
  random?: RandomSource;
}

/** Traffic is what `cluster.traffic` offers. */
export interface Traffic {
  mesh: Mesh;
  /** What the mesh reads the cluster through: the simulator's store, or watches on an API server (Pods with their owners, Services, Istio routes). */
  source: MeshSource;
  /** route sends one request to `host` (the cluster's only routed host when absent). */
  route(host?: string): RouteResult;
  /** startLoad starts a bounded load through the mesh; stop() ends every one still running. */
  startLoad(options: Omit<LoadOptions, 'mesh' | 'clock'>): LoadGenerator;
  /** inspect shows what Envoy knows about a host: weights and ready endpoints per route. */
  inspect(host?: string): MeshView;
  /** stop ends running loads and detaches from the store. */
  stop(): void;
}

/** createTraffic builds the traffic model on a store (or any MeshSource). */
export function createTraffic(store: MeshSource, options: TrafficOptions = {}): Traffic {
  const clock = options.clock ?? realClock();
  const random = options.random ?? (options.seed !== undefined ? seededRandom(options.seed) : Math.random);
  const mesh = new Mesh(store, { clock, random, propagationDelayMs: options.meshPropagationDelayMs });
  const loads = new Set<LoadGenerator>();
  return {
    mesh,
    source: store,
    route: (host) => mesh.route(host),
    inspect: (host) => mesh.inspect(host),
    startLoad(loadOptions) {
      const load = startLoad({ ...loadOptions, mesh, clock });
      loads.add(load);
      void load.done.then(() => loads.delete(load));
      return load;
    },
    stop() {
      for (const load of loads) load.stop();
      loads.clear();
      mesh.stop();
    },
  };
}

/**
 * createTrafficOverApi is createTraffic over watches on an API server (a real control plane,
 * anyone's cluster): point the load generator at it with `traffic.startLoad(...)`. It runs on
 * the wall clock unless told otherwise; stop() ends the loads and the watches.
 */
export async function createTrafficOverApi(options: ApiSourceOptions & TrafficOptions = {}): Promise<Traffic> {
  const source = await ApiMeshSource.connect(options);
  const traffic = createTraffic(source, options);
  return {
    ...traffic,
    stop() {
      traffic.stop();
      source.stop();
    },
  };
}
