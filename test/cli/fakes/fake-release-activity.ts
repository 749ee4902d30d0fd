// The ReleaseActivity port over the fake cluster: each Deployment's live pods (named
// <deployment>-<pod id>), and no events (the fake cluster keeps none).
import type { Activity, ReleaseActivity } from '../../../src/rollout/release-activity.js';
import type { ReleaseObjects } from '../../../src/rollout/ports.js';
import { ROLES } from '../../../src/engine/index.js';
import type { World } from '../../model/fakes/world.js';

/** FakeReleaseActivity lists the fake cluster's pods as the kube adapter lists real ones. */
export class FakeReleaseActivity implements ReleaseActivity {
  constructor(private readonly world: World) {}

  async read(namespace: string, objects: ReleaseObjects): Promise<Activity> {
    if (namespace !== this.world.config.namespace) return { pods: [], events: [] };
    const cluster = this.world.cluster;
    const pods = ROLES.flatMap((role) =>
      cluster.livePods(role).map((p) => ({ role, name: `${objects[role]}-${p.id}`, tag: p.tag, phase: 'Running', ready: cluster.isReady(p), restarts: 0 })),
    );
    return { pods, events: [] };
  }
}
