// One read of the release as the cluster runs it: the live objects, the stage values they amount
// to, and whether every pod of those values is ready. This is the engine's Observation.
import type { Observation, StageValues } from '../engine/index.js';
import type { ReadPorts } from './context.js';
import { liveToValues } from './live-values.js';
import type { LiveState } from './ports.js';
import { verifyLive } from './verify.js';

/** ClusterView is one read of the release. */
export interface ClusterView extends Observation {
  live: LiveState;
  /** undefined when a Deployment or the VirtualService is missing. */
  values?: StageValues;
}

/** readCluster reads the release's live objects once. */
export async function readCluster(ctx: ReadPorts): Promise<ClusterView> {
  const objects = await ctx.objects();
  const live = await ctx.reader.readLive(ctx.spec.namespace, objects);
  const values = liveToValues(live, objects, ctx.spec.replicas);
  return { live, values, ready: values !== undefined && verifyLive(live, values, objects).length === 0 };
}
