// The mesh's view of any API server (the simulator's HTTP API, a real kube-apiserver, anyone's
// cluster): Pods, Services, VirtualServices and DestinationRules of one namespace (or of all),
// listed and then watched with @kubernetes/client-node, kept in memory and handed to the Mesh as
// the same StoreEvents the simulator's store emits. Istio kinds are read at the newest version
// the server serves (v1 since Istio 1.22, else v1beta1, else v1alpha3), as the tool reads them.
import { KubeConfig } from '@kubernetes/client-node';
import { KINDS } from '../store/resources.js';
import type { KubeObject, ResourceType, StoreEvent } from '../store/types.js';
import { ApiError, getJson } from './api-requests.js';
import { KindWatch } from './kind-watch.js';
import type { KindWatchOptions, KindWatchStats } from './kind-watch.js';
import type { MeshSource } from './source.js';

const ISTIO_GROUP = 'networking.istio.io';
/** ISTIO_VERSIONS are tried in this order; the first the server serves is watched. */
export const ISTIO_VERSIONS = ['v1', 'v1beta1', 'v1alpha3'];

/** ApiSourceOptions say which cluster and namespace to watch, and how to reconnect. */
export interface ApiSourceOptions extends KindWatchOptions {
  /** A kubeconfig file's path or a loaded KubeConfig; $KUBECONFIG / ~/.kube/config when absent. */
  kubeconfig?: string | KubeConfig;
  /** The namespace to watch; every namespace (cluster-wide watches) when absent. */
  namespace?: string;
}

function loadKubeconfig(kubeconfig: string | KubeConfig | undefined): KubeConfig {
  if (kubeconfig instanceof KubeConfig) return kubeconfig;
  const kc = new KubeConfig();
  if (kubeconfig === undefined) kc.loadFromDefault();
  else kc.loadFromFile(kubeconfig);
  return kc;
}

// istioVersion asks the API group which versions it serves and picks the newest we know.
async function istioVersion(kc: KubeConfig): Promise<string> {
  let group: { versions?: { version?: string }[] };
  try {
    group = (await getJson(kc, `/apis/${ISTIO_GROUP}`)) as typeof group;
  } catch (err) {
    if (err instanceof ApiError && err.status === 404) throw new Error(`mesh: the API server does not serve ${ISTIO_GROUP}: are Istio's CRDs installed?`);
    throw err;
  }
  const served = new Set((group.versions ?? []).map((v) => v.version));
  const version = ISTIO_VERSIONS.find((v) => served.has(v));
  if (!version) throw new Error(`mesh: ${ISTIO_GROUP} serves ${[...served].join(', ') || 'no version'}, none of ${ISTIO_VERSIONS.join(', ')}`);
  return version;
}

/** ApiMeshSource is a MeshSource fed by watches on an API server. Create it with `connect`. */
export class ApiMeshSource implements MeshSource {
  private readonly listeners = new Set<(event: StoreEvent) => void>();
  private readonly watches = new Map<string, KindWatch>();

  private constructor(
    readonly namespace: string | undefined,
    /** The networking.istio.io version watched. */
    readonly istioVersion: string,
  ) {}

  /** connect lists every kind the mesh reads, starts the watches and resolves once all are in memory. */
  static async connect(options: ApiSourceOptions = {}): Promise<ApiMeshSource> {
    const kc = loadKubeconfig(options.kubeconfig);
    const version = await istioVersion(kc);
    const source = new ApiMeshSource(options.namespace, version);
    const scope = options.namespace === undefined ? '' : `/namespaces/${encodeURIComponent(options.namespace)}`;
    const collections = [
      { type: KINDS.pod, apiVersion: 'v1', path: `/api/v1${scope}/pods` },
      { type: KINDS.service, apiVersion: 'v1', path: `/api/v1${scope}/services` },
      { type: KINDS.virtualService, apiVersion: `${ISTIO_GROUP}/${version}`, path: `/apis/${ISTIO_GROUP}/${version}${scope}/virtualservices` },
      { type: KINDS.destinationRule, apiVersion: `${ISTIO_GROUP}/${version}`, path: `/apis/${ISTIO_GROUP}/${version}${scope}/destinationrules` },
    ];
    for (const collection of collections) {
      source.watches.set(collection.type.kind, new KindWatch(kc, collection, (e) => source.dispatch(e), options));
    }
    try {
      await Promise.all([...source.watches.values()].map((w) => w.start()));
    } catch (err) {
      source.stop();
      throw err;
    }
    return source;
  }

  list(type: ResourceType, namespace?: string): KubeObject[] {
    const all = this.watches.get(type.kind)?.values() ?? [];
    return namespace === undefined ? all : all.filter((o) => o.metadata.namespace === namespace);
  }

  get(type: ResourceType, namespace: string | undefined, name: string): KubeObject | undefined {
    return this.watches.get(type.kind)?.get(namespace, name);
  }

  subscribe(listener: (event: StoreEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** stop ends every watch; the source keeps what it last saw. */
  stop(): void {
    for (const w of this.watches.values()) w.stop();
  }

  /** stats counts lists, watches, 410s and errors per kind. */
  stats(): Record<string, KindWatchStats> {
    return Object.fromEntries([...this.watches].map(([kind, w]) => [kind, { ...w.stats }]));
  }

  private dispatch(event: StoreEvent): void {
    for (const listener of [...this.listeners]) listener(event);
  }
}
