// The ReleaseActivity port over the cluster (status --watch): the pods of both Deployments,
// through each Deployment's selector, and the latest events about the release's objects.
import type { CoreV1Event, V1Pod } from '@kubernetes/client-node';
import { ROLES, type DeploymentRole } from '../engine/index.js';
import type { Activity, EventView, PodView, ReleaseActivity } from '../rollout/release-activity.js';
import type { ReleaseObjects } from '../rollout/ports.js';
import { parseImage } from './image-ref.js';
import type { KubeConnection } from './kube-context.js';
import { undefinedWhenNotFound } from './kube-errors.js';

function podView(role: DeploymentRole, pod: V1Pod): PodView {
  const statuses = pod.status?.containerStatuses ?? [];
  return {
    role,
    name: pod.metadata?.name ?? '',
    tag: parseImage(pod.spec?.containers?.[0]?.image ?? '').tag,
    phase: pod.metadata?.deletionTimestamp ? 'Terminating' : (pod.status?.phase ?? 'Unknown'),
    ready: (pod.status?.conditions ?? []).some((c) => c.type === 'Ready' && c.status === 'True'),
    restarts: statuses.reduce((n, s) => n + (s.restartCount ?? 0), 0),
  };
}

function eventTime(e: CoreV1Event): string {
  const t = e.lastTimestamp ?? e.eventTime ?? e.firstTimestamp ?? e.metadata?.creationTimestamp;
  return t ? new Date(t as unknown as string).toISOString() : '';
}

/** KubeReleaseActivity reads pods and events with the connection's clients. */
export class KubeReleaseActivity implements ReleaseActivity {
  constructor(private readonly kube: KubeConnection) {}

  async read(namespace: string, objects: ReleaseObjects, eventLimit: number): Promise<Activity> {
    const [pods, events] = await Promise.all([
      Promise.all(ROLES.map((role) => this.podsOf(namespace, role, objects[role]))).then((lists) => lists.flat()),
      this.kube.call(`Events in ${namespace}`, () => this.kube.core.listNamespacedEvent({ namespace })),
    ]);
    // Events about the Deployments, their ReplicaSets and pods, and the Istio objects.
    const names = [objects.production, objects.canary, objects.virtualService, objects.destinationRule].filter((n): n is string => Boolean(n));
    const ours = (name: string) => names.some((n) => name === n || name.startsWith(`${n}-`));
    const views: EventView[] = events.items
      .filter((e) => ours(e.involvedObject?.name ?? ''))
      .map((e) => ({ at: eventTime(e), object: `${e.involvedObject?.kind ?? ''}/${e.involvedObject?.name ?? ''}`, type: e.type ?? '', reason: e.reason ?? '', message: (e.message ?? '').trim() }))
      .sort((a, b) => a.at.localeCompare(b.at));
    return { pods, events: views.slice(-eventLimit) };
  }

  private async podsOf(namespace: string, role: DeploymentRole, name: string): Promise<PodView[]> {
    const dep = await this.kube.call(`Deployment ${namespace}/${name}`, () => undefinedWhenNotFound(this.kube.apps.readNamespacedDeployment({ name, namespace })));
    const labels = dep?.spec?.selector?.matchLabels;
    if (!labels || Object.keys(labels).length === 0) return [];
    const labelSelector = Object.entries(labels).map(([k, v]) => `${k}=${v}`).join(',');
    const pods = await this.kube.call(`Pods of ${namespace}/${name}`, () => this.kube.core.listNamespacedPod({ namespace, labelSelector }));
    return pods.items.map((p) => podView(role, p)).sort((a, b) => a.name.localeCompare(b.name));
  }
}
