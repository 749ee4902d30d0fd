// One traffic model, two ways to feed it: the simulator's in-memory store (events arrive
// synchronously with each write) or watches on an API server (events arrive as the server
// streams them). Routing, the propagation delay and the failure reasons are the Mesh's own,
// the same whichever source it reads.
import { ApiMeshSource } from './api-source.js';
import type { ApiSourceOptions } from './api-source.js';
import { Mesh } from './mesh.js';
import type { MeshOptions } from './mesh.js';
import type { MeshSource } from './source.js';

/** meshOverStore is a Mesh over the simulator's store (or any other in-process MeshSource). */
export function meshOverStore(store: MeshSource, options: MeshOptions = {}): Mesh {
  return new Mesh(store, options);
}

/** ApiMesh is a Mesh that owns its API source: stop() ends the watches too. */
export class ApiMesh extends Mesh {
  constructor(
    readonly source: ApiMeshSource,
    options: MeshOptions = {},
  ) {
    super(source, options);
  }

  override stop(): void {
    super.stop();
    this.source.stop();
  }
}

/** MeshOverApiOptions name the cluster and namespace to watch and configure the mesh. */
export type MeshOverApiOptions = ApiSourceOptions & MeshOptions;

/**
 * meshOverApi connects to an API server, waits until it has listed every kind the mesh reads,
 * and returns the mesh over it. What existed at connection counts as long pushed to Envoy;
 * later changes reach it a propagation delay after they arrive. Always stop() it.
 */
export async function meshOverApi(options: MeshOverApiOptions = {}): Promise<ApiMesh> {
  const { clock, random, propagationDelayMs, ...sourceOptions } = options;
  const source = await ApiMeshSource.connect(sourceOptions);
  return new ApiMesh(source, { clock, random, propagationDelayMs });
}
