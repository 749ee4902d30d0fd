// What the cluster runs for a release, read as stage values, so the engine can place it.
import type { DeploymentRole, StageValues } from '../engine/index.js';
import type { LiveState, ReleaseObjects } from './ports.js';

/**
 * liveToValues turns live objects into stage values, or undefined when something is missing.
 * `replicas` stands for production's count when an HPA owns it (objects.autoscaled): whatever the
 * HPA chose, production is where the plan wants it.
 */
export function liveToValues(live: LiveState, objects: ReleaseObjects, replicas?: number): StageValues | undefined {
  const { production, canary, traffic } = live;
  if (!production || !canary || !traffic) return undefined;
  const weight = (role: DeploymentRole) => traffic.weights[objects.subsets[role]] ?? 0;
  return {
    production: { repository: production.repository, tag: production.tag, replicas: objects.autoscaled && replicas !== undefined ? replicas : production.desired, weight: weight('production') },
    canary: { repository: canary.repository, tag: canary.tag, replicas: canary.desired, weight: weight('canary') },
  };
}
