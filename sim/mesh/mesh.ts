// The traffic model: where a request to a host goes right now, as an Istio sidecar would send
// it. Envoy routes by the VirtualService and DestinationRule it was last pushed and by its
// endpoint list, and both lag the cluster by the propagation delay: a request at `now` uses the
// state as of `now - delay`. So a weight given to pods that are not ready yet fails with
// `no healthy upstream` (Envoy's 503), a route to a subset Envoy does not know fails `NR`, and
// an endpoint picked from the stale list that has since started terminating fails too.
import { realClock } from '../controllers/clock.js';
import type { Clock } from '../controllers/clock.js';
import { asJson, asList, containerImages, imageTag, isTerminating, labelsMatch, podIsReady, specOf, statusOf } from '../controllers/objects.js';
import { objectKey } from '../controllers/queue.js';
import { KINDS } from '../store/resources.js';
import type { KubeObject, StoreEvent } from '../store/types.js';
import { History } from './history.js';
import type { RandomSource } from './random.js';
import type { MeshSource } from './source.js';

/** RouteFailureReason names why a request failed, as Envoy's 503 response flags would. */
export type RouteFailureReason = 'no healthy upstream' | 'NR' | 'pod terminating';

/** RouteResult is one request's fate: the pod (and its version) that answered, or a failure. */
export type RouteResult =
  | { ok: true; subset?: string; version: string; pod: string; namespace: string }
  | { ok: false; reason: RouteFailureReason; subset?: string };

/** MeshOptions configure the traffic model. */
export interface MeshOptions {
  /** How long VirtualService, DestinationRule and endpoint changes take to reach Envoy. Default 100 ms. */
  propagationDelayMs?: number;
  /** The clock the delay runs on (share the controllers' clock). */
  clock?: Clock;
  /** Picks routes by weight and endpoints; Math.random when absent. */
  random?: RandomSource;
}

/** MeshView is what Envoy currently knows about one host: the weighted routes and ready endpoints. */
export interface MeshView {
  host: string;
  namespace: string;
  routes: { subset?: string; weight: number; endpoints: string[]; versions: string[] }[];
}

interface PodState {
  namespace: string;
  name: string;
  labels: Record<string, string>;
  ready: boolean;
  terminating: boolean;
  version: string;
}

interface Destination {
  host: string;
  subset?: string;
  weight: number;
}

const CLUSTER_DOMAIN = 'svc.cluster.local';

/** fqdn turns a host as Istio configuration writes it into a full service name, relative to `namespace`. */
export function fqdn(host: string, namespace: string): string {
  const parts = host.split('.');
  if (parts.length === 1) return `${host}.${namespace}.${CLUSTER_DOMAIN}`;
  if (parts.length === 2) return `${host}.${CLUSTER_DOMAIN}`;
  if (parts.length === 3 && parts[2] === 'svc') return `${host}.cluster.local`;
  return host;
}

function podHasEnded(pod: KubeObject): boolean {
  const phase = statusOf(pod).phase;
  return phase === 'Succeeded' || phase === 'Failed';
}

function podState(pod: KubeObject): PodState {
  const image = containerImages(specOf(pod))[0] ?? '';
  return {
    namespace: pod.metadata.namespace ?? '',
    name: pod.metadata.name,
    labels: { ...(pod.metadata.labels ?? {}) },
    // The EndpointSlice controller leaves out a pod that has ended (a hook Job's, say) whatever its conditions say.
    ready: podIsReady(pod) && !podHasEnded(pod),
    terminating: isTerminating(pod),
    version: imageTag(image),
  };
}

/**
 * Mesh answers where requests go, from a source's VirtualServices, DestinationRules, Services
 * and pods: the simulator's store, or watches on an API server (see factory.ts).
 */
export class Mesh {
  private readonly clock: Clock;
  private readonly random: RandomSource;
  private readonly delay: number;
  private readonly virtualServices = new History<KubeObject>();
  private readonly destinationRules = new History<KubeObject>();
  // Envoy's endpoint list follows a Service's selector as late as everything else.
  private readonly services = new History<KubeObject>();
  private readonly pods = new History<PodState>();
  private readonly unsubscribe: () => void;
  private lastPrune = -Infinity;

  constructor(
    private readonly store: MeshSource,
    options: MeshOptions = {},
  ) {
    this.clock = options.clock ?? realClock();
    this.random = options.random ?? Math.random;
    this.delay = Math.max(0, options.propagationDelayMs ?? 100);
    this.unsubscribe = store.subscribe((e) => this.onEvent(e));
    // What exists before the mesh starts has long been pushed to every proxy.
    for (const vs of store.list(KINDS.virtualService)) this.virtualServices.record(this.key(vs), -Infinity, vs);
    for (const dr of store.list(KINDS.destinationRule)) this.destinationRules.record(this.key(dr), -Infinity, dr);
    for (const svc of store.list(KINDS.service)) this.services.record(this.key(svc), -Infinity, svc);
    for (const pod of store.list(KINDS.pod)) this.pods.record(this.key(pod), -Infinity, podState(pod));
  }

  /** propagationDelayMs is the configured lag between the cluster and Envoy. */
  get propagationDelayMs(): number {
    return this.delay;
  }

  /** stop detaches the mesh from its source. */
  stop(): void {
    this.unsubscribe();
  }

  /** route sends one request to `host` (a service name or FQDN; the only routed host when absent). */
  route(host?: string): RouteResult {
    const now = this.clock.now();
    this.maybePrune(now);
    const seen = now - this.delay;
    const target = this.resolveHost(host);
    const vs = this.findVirtualService(this.virtualServices.at(seen), target);
    const destinations = vs ? this.destinations(vs) : [{ host: target.fqdn, weight: 100 }];
    const dest = this.pickWeighted(destinations);
    if (!dest) return { ok: false, reason: 'NR' };
    const endpoints = this.endpoints(dest, vs?.metadata.namespace ?? target.namespace, seen);
    if (endpoints === 'NR') return { ok: false, reason: 'NR', subset: dest.subset };
    if (endpoints.length === 0) return { ok: false, reason: 'no healthy upstream', subset: dest.subset };
    const picked = endpoints[Math.floor(this.random() * endpoints.length)]!;
    // The proxy's list is stale: the pod may have started shutting down (or be gone) since.
    const current = this.pods.latest(objectKey(picked.namespace, picked.name));
    if (!current || current.terminating) return { ok: false, reason: 'pod terminating', subset: dest.subset };
    return { ok: true, subset: dest.subset, version: picked.version, pod: picked.name, namespace: picked.namespace };
  }

  /** inspect describes what Envoy knows about a host now: each route's weight and endpoints. */
  inspect(host?: string): MeshView {
    const seen = this.clock.now() - this.delay;
    const target = this.resolveHost(host);
    const vs = this.findVirtualService(this.virtualServices.at(seen), target);
    const destinations = vs ? this.destinations(vs) : [{ host: target.fqdn, weight: 100 }];
    return {
      host: target.fqdn,
      namespace: target.namespace,
      routes: destinations.map((d) => {
        const eps = this.endpoints(d, vs?.metadata.namespace ?? target.namespace, seen);
        const list = eps === 'NR' ? [] : eps;
        return { subset: d.subset, weight: d.weight, endpoints: list.map((p) => p.name), versions: [...new Set(list.map((p) => p.version))] };
      }),
    };
  }

  private onEvent(e: StoreEvent): void {
    const kind = e.resource.kind;
    if (kind !== 'VirtualService' && kind !== 'DestinationRule' && kind !== 'Pod' && kind !== 'Service') return;
    const at = this.clock.now();
    const key = this.key(e.object);
    const deleted = e.type === 'DELETED';
    if (kind === 'VirtualService') this.virtualServices.record(key, at, deleted ? undefined : e.object);
    else if (kind === 'DestinationRule') this.destinationRules.record(key, at, deleted ? undefined : e.object);
    else if (kind === 'Service') this.services.record(key, at, deleted ? undefined : e.object);
    else this.pods.record(key, at, deleted ? undefined : podState(e.object));
  }

  private key(obj: KubeObject): string {
    return objectKey(obj.metadata.namespace, obj.metadata.name);
  }

  private maybePrune(now: number): void {
    if (now - this.lastPrune < 1000) return;
    this.lastPrune = now;
    const horizon = now - this.delay;
    this.virtualServices.prune(horizon);
    this.destinationRules.prune(horizon);
    this.services.prune(horizon);
    this.pods.prune(horizon);
  }

  // Without a host, the one routed host of the cluster: a test usually has exactly one service.
  private resolveHost(host: string | undefined): { fqdn: string; namespace: string; name: string } {
    if (host === undefined) {
      const all = this.store.list(KINDS.virtualService);
      const hosts = new Set(all.flatMap((vs) => this.hostsOf(vs).map((h) => fqdn(h, vs.metadata.namespace ?? 'default'))));
      if (hosts.size === 1) return this.splitFqdn([...hosts][0]!);
      const services = this.store.list(KINDS.service);
      if (hosts.size === 0 && services.length === 1) {
        const svc = services[0]!;
        return this.splitFqdn(fqdn(svc.metadata.name, svc.metadata.namespace ?? 'default'));
      }
      throw new Error(`mesh: ${hosts.size === 0 ? 'no routed host' : 'several hosts'} in the cluster; pass the host to route to`);
    }
    if (!host.includes('.')) {
      // A bare service name: the namespace that has it (a test cluster rarely has two).
      const owners = this.store.list(KINDS.service).filter((svc) => svc.metadata.name === host);
      if (owners.length === 1) return this.splitFqdn(fqdn(host, owners[0]!.metadata.namespace ?? 'default'));
    }
    return this.splitFqdn(fqdn(host, 'default'));
  }

  private splitFqdn(name: string): { fqdn: string; namespace: string; name: string } {
    const [svc = '', ns = 'default'] = name.split('.');
    return { fqdn: name, namespace: ns, name: svc };
  }

  private findVirtualService(visible: Map<string, KubeObject>, target: { fqdn: string }): KubeObject | undefined {
    for (const vs of visible.values()) {
      const hosts = this.hostsOf(vs);
      if (hosts.some((h) => fqdn(h, vs.metadata.namespace ?? 'default') === target.fqdn)) return vs;
    }
    return undefined;
  }

  private hostsOf(vs: KubeObject): string[] {
    const hosts = specOf(vs).hosts;
    return Array.isArray(hosts) ? hosts.filter((h): h is string => typeof h === 'string') : [];
  }

  // The first http route without match conditions is the one plain requests take.
  private destinations(vs: KubeObject): Destination[] {
    const http = asList(specOf(vs).http);
    const route = http.find((r) => asList(r.match).length === 0) ?? http[0];
    const list = asList(route?.route);
    const namespace = vs.metadata.namespace ?? 'default';
    return list.map((r) => {
      const dest = asJson(r.destination);
      return {
        host: fqdn(String(dest.host ?? ''), namespace),
        subset: typeof dest.subset === 'string' ? dest.subset : undefined,
        // A lone destination without a weight takes everything, as Istio defines it.
        weight: typeof r.weight === 'number' ? r.weight : list.length === 1 ? 100 : 0,
      };
    });
  }

  private pickWeighted(destinations: Destination[]): Destination | undefined {
    const total = destinations.reduce((s, d) => s + Math.max(0, d.weight), 0);
    if (total <= 0) return undefined;
    let r = this.random() * total;
    for (const d of destinations) {
      if (d.weight <= 0) continue;
      r -= d.weight;
      if (r < 0) return d;
    }
    return destinations.filter((d) => d.weight > 0).pop();
  }

  // Ready, not terminating pods of the destination's Service and subset, as Envoy's list has them.
  private endpoints(dest: Destination, clientNamespace: string, seen: number): PodState[] | 'NR' {
    const [svcName = '', svcNamespace = clientNamespace] = dest.host.split('.');
    const service = this.services.at(seen).get(objectKey(svcNamespace, svcName));
    if (!service) return 'NR';
    const selector = asJson(specOf(service).selector) as Record<string, string>;
    if (Object.keys(selector).length === 0) return [];
    let subsetLabels: Record<string, string> = {};
    if (dest.subset !== undefined) {
      const rules = [...this.destinationRules.at(seen).values()].filter((dr) => fqdn(String(specOf(dr).host ?? ''), dr.metadata.namespace ?? 'default') === dest.host);
      // Istio prefers the rule in the client's namespace, then the service's.
      rules.sort((a, b) => Number(b.metadata.namespace === clientNamespace) - Number(a.metadata.namespace === clientNamespace));
      const subset = rules.flatMap((dr) => asList(specOf(dr).subsets)).find((s) => s.name === dest.subset);
      if (!subset) return 'NR';
      subsetLabels = asJson(subset.labels) as Record<string, string>;
    }
    const out: PodState[] = [];
    for (const pod of this.pods.at(seen).values()) {
      if (pod.namespace !== svcNamespace || !pod.ready || pod.terminating) continue;
      if (labelsMatch(selector, pod.labels) && labelsMatch(subsetLabels, pod.labels)) out.push(pod);
    }
    return out.sort((a, b) => a.name.localeCompare(b.name));
  }
}
