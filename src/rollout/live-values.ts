// What the cluster runs for a release, read as stage values, so the engine can place it.
import type { DeploymentRole, StageValues } from '../engine/index.js';
import type { LiveState, ReleaseObjects } from './ports.js';

/** liveToValues turns live objects into stage values, or undefined when something is missing. */
export function liveToValues(live: LiveState, objects: ReleaseObjects): StageValues | undefined {
  const { production, canary, traffic } = live;
  if (!production || !canary || !traffic) return undefined;
  const weight = (role: DeploymentRole) => traffic.weights[objects.subsets[role]] ?? 0;
  return {
    production: { repository: production.repository, tag: production.tag, replicas: production.desired, weight: weight('production') },
    canary: { repository: canary.repository, tag: canary.tag, replicas: canary.desired, weight: weight('canary') },
  };
}
