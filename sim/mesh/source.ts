// What the traffic model reads the cluster through. The mesh needs four kinds (Pods for the
// endpoints, Services for their selectors, VirtualServices and DestinationRules for the routes),
// a synchronous look at what exists now, and every later change as it happens. The simulator's
// in-memory ObjectStore is such a source as it is; ApiMeshSource (api-source.ts) is another,
// fed by watches on any API server, so one Mesh serves the simulator and a real control plane.
import { KINDS } from '../store/resources.js';
import type { KubeObject, ResourceType, StoreEvent } from '../store/types.js';

/** MeshSource is the narrow view of a cluster the Mesh routes by. ObjectStore satisfies it. */
export interface MeshSource {
  /** list returns every object of the type, in one namespace or (undefined) in all the source sees. */
  list(type: ResourceType, namespace?: string): KubeObject[];
  /** get returns the object, or undefined when it does not exist (as far as the source knows). */
  get(type: ResourceType, namespace: string | undefined, name: string): KubeObject | undefined;
  /** subscribe receives every later change, in order; returns the unsubscribe function. */
  subscribe(listener: (event: StoreEvent) => void): () => void;
}

/** MESH_KINDS are the kinds the Mesh reads: a source must serve at least these. */
export const MESH_KINDS: ResourceType[] = [KINDS.pod, KINDS.service, KINDS.virtualService, KINDS.destinationRule];
