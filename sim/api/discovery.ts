// Discovery documents: /version, /api, /apis, the per group-version APIResourceLists, and the
// aggregated discovery form (apidiscovery.k8s.io v2 / v2beta1) that client-go asks for first
// because it answers all group-versions in one request.
import { ALL_KINDS } from '../store/resources.js';
import type { ServedKind } from '../store/resources.js';
import { apiVersionOf } from './routes.js';

const VERBS = ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'];
const STATUS_VERBS = ['get', 'patch', 'update'];
// Kinds served with a `/status` subresource (the rest carry no status or do not split it out).
const WITH_STATUS = new Set([
  'Namespace', 'Service', 'Pod', 'Deployment', 'ReplicaSet', 'Job', 'HorizontalPodAutoscaler', 'PodDisruptionBudget', 'Ingress',
  'VirtualService', 'DestinationRule', 'Gateway',
]);

/** hasStatusSubresource tells whether a kind's status is written only through `/status`. */
export function hasStatusSubresource(kind: ServedKind): boolean {
  return WITH_STATUS.has(kind.kind);
}

/** versionInfo is the /version document (a Kubernetes 1.32 server). */
export function versionInfo(): Record<string, unknown> {
  return {
    major: '1',
    minor: '32',
    gitVersion: 'v1.32.0',
    gitCommit: '0000000000000000000000000000000000000000',
    gitTreeState: 'clean',
    buildDate: '2024-12-11T00:00:00Z',
    goVersion: 'go1.23.4',
    compiler: 'gc',
    platform: 'linux/amd64',
  };
}

function groups(): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const kind of ALL_KINDS) {
    const versions = out.get(kind.group) ?? [];
    for (const v of kind.versions) if (!versions.includes(v)) versions.push(v);
    out.set(kind.group, versions);
  }
  return out;
}

/** servedGroupVersions lists every `group/version` (core as `v1`), preferred version first. */
export function servedGroupVersions(): Array<{ group: string; version: string }> {
  const out: Array<{ group: string; version: string }> = [];
  for (const [group, versions] of groups()) for (const version of versions) out.push({ group, version });
  return out;
}

/** apiVersions is the legacy /api document. */
export function apiVersions(serverAddress: string): Record<string, unknown> {
  return { kind: 'APIVersions', versions: ['v1'], serverAddressByClientCIDRs: [{ clientCIDR: '0.0.0.0/0', serverAddress }] };
}

/** apiGroupList is the legacy /apis document. */
export function apiGroupList(): Record<string, unknown> {
  const list = [...groups()]
    .filter(([group]) => group !== '')
    .map(([name, versions]) => ({
      name,
      versions: versions.map((version) => ({ groupVersion: `${name}/${version}`, version })),
      preferredVersion: { groupVersion: `${name}/${versions[0]}`, version: versions[0] },
    }));
  return { kind: 'APIGroupList', apiVersion: 'v1', groups: list };
}

function singular(kind: ServedKind): string {
  return kind.kind.toLowerCase();
}

/** apiResourceList is the /api/v1 or /apis/G/V document; undefined when the group-version is not served. */
export function apiResourceList(group: string, version: string): Record<string, unknown> | undefined {
  const kinds = ALL_KINDS.filter((k) => k.group === group && k.versions.includes(version));
  if (kinds.length === 0) return undefined;
  const resources: Record<string, unknown>[] = [];
  for (const kind of kinds) {
    resources.push({
      name: kind.resource,
      singularName: singular(kind),
      namespaced: kind.namespaced,
      kind: kind.kind,
      verbs: VERBS,
      ...(kind.shortNames ? { shortNames: kind.shortNames } : {}),
      ...(group === '' || group === 'apps' || group === 'batch' || group === 'autoscaling' ? { categories: ['all'] } : {}),
    });
    if (hasStatusSubresource(kind)) {
      resources.push({ name: `${kind.resource}/status`, singularName: '', namespaced: kind.namespaced, kind: kind.kind, verbs: STATUS_VERBS });
    }
    if (kind.kind === 'Pod') resources.push({ name: 'pods/eviction', singularName: '', namespaced: true, group: 'policy', version: 'v1', kind: 'Eviction', verbs: ['create'] });
  }
  return { kind: 'APIResourceList', apiVersion: 'v1', groupVersion: apiVersionOf(group, version), resources };
}

/** AGGREGATED_V2 and AGGREGATED_V2BETA1 are the media-type versions of aggregated discovery. */
export const AGGREGATED_VERSIONS = ['v2', 'v2beta1'] as const;

/**
 * wantedAggregatedVersion reads an Accept header and returns the aggregated discovery version the
 * client prefers, or undefined when it only accepts the legacy documents.
 */
export function wantedAggregatedVersion(accept: string | undefined): 'v2' | 'v2beta1' | undefined {
  if (!accept) return undefined;
  for (const part of accept.split(',')) {
    const params = part.split(';').map((p) => p.trim());
    if (!params.includes('g=apidiscovery.k8s.io') || !params.includes('as=APIGroupDiscoveryList')) continue;
    if (params.includes('v=v2')) return 'v2';
    if (params.includes('v=v2beta1')) return 'v2beta1';
  }
  return undefined;
}

/** aggregatedDiscovery answers /api (core) or /apis (named groups) in the aggregated form. */
export function aggregatedDiscovery(core: boolean, version: 'v2' | 'v2beta1'): Record<string, unknown> {
  const items = [...groups()]
    .filter(([group]) => (core ? group === '' : group !== ''))
    .map(([group, versions]) => ({
      metadata: { name: group, creationTimestamp: null },
      versions: versions.map((v) => ({
        version: v,
        resources: ALL_KINDS.filter((k) => k.group === group && k.versions.includes(v)).map((kind) => ({
          resource: kind.resource,
          responseKind: { group, version: v, kind: kind.kind },
          scope: kind.namespaced ? 'Namespaced' : 'Cluster',
          singularResource: singular(kind),
          verbs: VERBS,
          ...(kind.shortNames ? { shortNames: kind.shortNames } : {}),
          ...(hasStatusSubresource(kind) || kind.kind === 'Pod'
            ? {
                subresources: [
                  ...(hasStatusSubresource(kind) ? [{ subresource: 'status', responseKind: { group, version: v, kind: kind.kind }, verbs: STATUS_VERBS }] : []),
                  ...(kind.kind === 'Pod' ? [{ subresource: 'eviction', responseKind: { group: 'policy', version: 'v1', kind: 'Eviction' }, verbs: ['create'] }] : []),
                ],
              }
            : {}),
        })),
        freshness: 'Current',
      })),
    }));
  return { kind: 'APIGroupDiscoveryList', apiVersion: `apidiscovery.k8s.io/${version}`, metadata: {}, items };
}

/** aggregatedContentType is the Content-Type of an aggregated discovery answer. */
export function aggregatedContentType(version: 'v2' | 'v2beta1'): string {
  return `application/json;g=apidiscovery.k8s.io;v=${version};as=APIGroupDiscoveryList`;
}
