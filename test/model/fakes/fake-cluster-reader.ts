// The ClusterReader port over the fake cluster: one port call per read, like one API round trip.
import type { ClusterReader, LiveState, ReleaseObjects } from '../../../src/rollout/ports.js';
import type { World } from './world.js';

/** FakeClusterReader reads the fake cluster's objects as the kube adapter reads the real ones. */
export class FakeClusterReader implements ClusterReader {
  constructor(private readonly world: World) {}

  async readLive(namespace: string, objects: ReleaseObjects): Promise<LiveState> {
    this.world.enter('reader.readLive', false);
    if (namespace !== this.world.config.namespace) return {};
    return this.world.cluster.live(objects);
  }
}
