// The kinds the simulated cluster serves, keyed as the store keys them.
// One entry per kind; `versions` lists every API version served from the same store, the
// first being the preferred one (Istio kinds are watched at v1 even when a chart writes v1beta1).
import type { ResourceType } from './types.js';

export interface ServedKind extends ResourceType {
  versions: string[];
  shortNames?: string[];
}

const ISTIO_VERSIONS = ['v1', 'v1beta1', 'v1alpha3'];

export const KINDS = {
  namespace: { group: '', resource: 'namespaces', kind: 'Namespace', namespaced: false, versions: ['v1'], shortNames: ['ns'] },
  secret: { group: '', resource: 'secrets', kind: 'Secret', namespaced: true, versions: ['v1'] },
  configMap: { group: '', resource: 'configmaps', kind: 'ConfigMap', namespaced: true, versions: ['v1'], shortNames: ['cm'] },
  service: { group: '', resource: 'services', kind: 'Service', namespaced: true, versions: ['v1'], shortNames: ['svc'] },
  serviceAccount: { group: '', resource: 'serviceaccounts', kind: 'ServiceAccount', namespaced: true, versions: ['v1'], shortNames: ['sa'] },
  pod: { group: '', resource: 'pods', kind: 'Pod', namespaced: true, versions: ['v1'], shortNames: ['po'] },
  event: { group: '', resource: 'events', kind: 'Event', namespaced: true, versions: ['v1'], shortNames: ['ev'] },
  deployment: { group: 'apps', resource: 'deployments', kind: 'Deployment', namespaced: true, versions: ['v1'], shortNames: ['deploy'] },
  replicaSet: { group: 'apps', resource: 'replicasets', kind: 'ReplicaSet', namespaced: true, versions: ['v1'], shortNames: ['rs'] },
  job: { group: 'batch', resource: 'jobs', kind: 'Job', namespaced: true, versions: ['v1'] },
  horizontalPodAutoscaler: { group: 'autoscaling', resource: 'horizontalpodautoscalers', kind: 'HorizontalPodAutoscaler', namespaced: true, versions: ['v2'], shortNames: ['hpa'] },
  podDisruptionBudget: { group: 'policy', resource: 'poddisruptionbudgets', kind: 'PodDisruptionBudget', namespaced: true, versions: ['v1'], shortNames: ['pdb'] },
  ingress: { group: 'networking.k8s.io', resource: 'ingresses', kind: 'Ingress', namespaced: true, versions: ['v1'], shortNames: ['ing'] },
  lease: { group: 'coordination.k8s.io', resource: 'leases', kind: 'Lease', namespaced: true, versions: ['v1'] },
  virtualService: { group: 'networking.istio.io', resource: 'virtualservices', kind: 'VirtualService', namespaced: true, versions: ISTIO_VERSIONS, shortNames: ['vs'] },
  destinationRule: { group: 'networking.istio.io', resource: 'destinationrules', kind: 'DestinationRule', namespaced: true, versions: ISTIO_VERSIONS, shortNames: ['dr'] },
  gateway: { group: 'networking.istio.io', resource: 'gateways', kind: 'Gateway', namespaced: true, versions: ISTIO_VERSIONS, shortNames: ['gw'] },
} satisfies Record<string, ServedKind>;

export const ALL_KINDS: ServedKind[] = Object.values(KINDS);

/** findKind looks a kind up by group and plural resource name, as URLs name it. */
export function findKind(group: string, resource: string): ServedKind | undefined {
  return ALL_KINDS.find((k) => k.group === group && k.resource === resource);
}
