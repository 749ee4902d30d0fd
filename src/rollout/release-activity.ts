// What `status --watch` shows beyond the status itself: each Deployment's pods and the latest
// events of the release's objects. A port named by its role, so the watch runs over fakes in tests
// (src/kube/release-activity.ts reads the real cluster).
import type { DeploymentRole } from '../engine/index.js';
import type { ReleaseObjects } from './ports.js';

/** PodView is one pod as the watch lists it. */
export interface PodView {
  role: DeploymentRole;
  name: string;
  tag: string;
  /** The pod's phase (Running, Pending...), or Terminating. */
  phase: string;
  ready: boolean;
  restarts: number;
}

/** EventView is one Kubernetes event about an object of the release. */
export interface EventView {
  /** ISO time of the event's last occurrence. */
  at: string;
  /** Kind/name of the object it is about. */
  object: string;
  type: string;
  reason: string;
  message: string;
}

/** Activity is what the watch shows below the status. */
export interface Activity {
  pods: PodView[];
  /** Oldest first, at most the last few. */
  events: EventView[];
}

/** ReleaseActivity reads a release's pods and latest events. */
export interface ReleaseActivity {
  read(namespace: string, objects: ReleaseObjects, eventLimit: number): Promise<Activity>;
}
