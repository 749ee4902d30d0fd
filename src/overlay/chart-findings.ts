// What the chart's other objects mean for the canary: the HPAs that scale the chosen Deployment,
// the PDBs and what they count, objects that select production's pods but not the canary's, and
// routes that send traffic to the Service around the overlay's VirtualService. Found, never changed.
import type { Candidate, Targets } from './choose-targets.js';
import { apiGroupOf, get, isService, kindOf, nameOf, readLabelSelector, selectorMatches, stringMap, type KubeObject, type Labels } from './kube-objects.js';

/** ObjectRef names one object of the manifest. */
export interface ObjectRef {
  kind: string;
  name: string;
}

/** AutoscalerFound is an HPA of the chart that scales the chosen Deployment. */
export interface AutoscalerFound {
  name: string;
  /** True when the chart's Deployment omits spec.replicas: the HPA, not the stage, sets production's replicas. */
  ownsProductionReplicas: boolean;
}

/** DisruptionBudgetFound is a PDB of the chart and which track's pods it counts. */
export interface DisruptionBudgetFound {
  name: string;
  countsProduction: boolean;
  countsCanary: boolean;
}

/** autoscalersOf lists the HPAs (autoscaling/v1 or v2) whose scaleTargetRef is the Deployment. */
export function autoscalersOf(chart: Candidate[], deployment: KubeObject): AutoscalerFound[] {
  const name = nameOf(deployment);
  const noReplicas = get(deployment, ['spec', 'replicas']) === undefined || get(deployment, ['spec', 'replicas']) === null;
  return chart
    .filter((c) => kindOf(c.object) === 'HorizontalPodAutoscaler' && apiGroupOf(c.object) === 'autoscaling')
    .filter((c) => get(c.object, ['spec', 'scaleTargetRef', 'kind']) === 'Deployment' && get(c.object, ['spec', 'scaleTargetRef', 'name']) === name)
    .map((c) => ({ name: nameOf(c.object), ownsProductionReplicas: noReplicas }));
}

/** disruptionBudgetsOf lists the PDBs and whether each counts production's and the canary's pods. */
export function disruptionBudgetsOf(chart: Candidate[], productionPodLabels: Labels, canaryPodLabels: Labels): DisruptionBudgetFound[] {
  return chart
    .filter((c) => kindOf(c.object) === 'PodDisruptionBudget' && apiGroupOf(c.object) === 'policy')
    .map((c) => {
      const selector = readLabelSelector(get(c.object, ['spec', 'selector']));
      return { name: nameOf(c.object), countsProduction: selectorMatches(selector, productionPodLabels), countsCanary: selectorMatches(selector, canaryPodLabels) };
    });
}

/** POD_SELECTOR_PATHS says where kinds that apply to pods by label keep their selector (a LabelSelector, or a plain label map). */
const POD_SELECTOR_PATHS: Record<string, { path: string[]; plain: boolean }> = {
  NetworkPolicy: { path: ['spec', 'podSelector'], plain: false },
  AuthorizationPolicy: { path: ['spec', 'selector', 'matchLabels'], plain: true },
  PeerAuthentication: { path: ['spec', 'selector', 'matchLabels'], plain: true },
  RequestAuthentication: { path: ['spec', 'selector', 'matchLabels'], plain: true },
  Telemetry: { path: ['spec', 'selector', 'matchLabels'], plain: true },
  Sidecar: { path: ['spec', 'workloadSelector', 'labels'], plain: true },
  EnvoyFilter: { path: ['spec', 'workloadSelector', 'labels'], plain: true },
  PodMonitor: { path: ['spec', 'selector'], plain: false },
  Service: { path: ['spec', 'selector'], plain: true },
};

/** selectingProductionOnly lists objects whose pod selector matches production's pods but not the canary's. */
export function selectingProductionOnly(chart: Candidate[], targets: Targets, canaryPodLabels: Labels): ObjectRef[] {
  return chart.flatMap((c) => {
    const where = POD_SELECTOR_PATHS[kindOf(c.object)];
    if (!where || c === targets.service || (kindOf(c.object) === 'Service' && !isService(c.object))) return [];
    const raw = get(c.object, where.path);
    // A missing selector selects nothing here (a Service without one, an Istio policy for the whole namespace).
    if (raw === undefined || raw === null) return [];
    const selector = where.plain ? { matchLabels: stringMap(raw), matchExpressions: [] } : readLabelSelector(raw);
    if (where.plain && Object.keys(selector.matchLabels).length === 0) return [];
    return selectorMatches(selector, targets.podLabels) && !selectorMatches(selector, canaryPodLabels) ? [{ kind: kindOf(c.object), name: nameOf(c.object) }] : [];
  });
}

/** routingAround lists the chart's Ingresses, Gateway API routes and Istio objects that send traffic to the Service. */
export function routingAround(chart: Candidate[], serviceName: string): ObjectRef[] {
  const refersToService = (host: unknown) => typeof host === 'string' && (host === serviceName || host.startsWith(`${serviceName}.`));
  return chart.flatMap((c) => {
    const kind = kindOf(c.object);
    const group = apiGroupOf(c.object);
    if (kind === 'Ingress') {
      const paths = asArray(get(c.object, ['spec', 'rules'])).flatMap((rule) => asArray(get(rule, ['http', 'paths'])));
      const targets = [get(c.object, ['spec', 'defaultBackend', 'service', 'name']), get(c.object, ['spec', 'backend', 'serviceName']), ...paths.flatMap((p) => [get(p, ['backend', 'service', 'name']), get(p, ['backend', 'serviceName'])])];
      return targets.some((t) => t === serviceName) ? [{ kind, name: nameOf(c.object) }] : [];
    }
    if (group === 'gateway.networking.k8s.io' && kind.endsWith('Route')) {
      const refs = asArray(get(c.object, ['spec', 'rules'])).flatMap((rule) => asArray(get(rule, ['backendRefs'])));
      return refs.some((r) => get(r, ['name']) === serviceName && (get(r, ['kind']) ?? 'Service') === 'Service') ? [{ kind, name: nameOf(c.object) }] : [];
    }
    if (group === 'networking.istio.io' && kind === 'VirtualService') {
      const routes = ['http', 'tcp', 'tls'].flatMap((protocol) => asArray(get(c.object, ['spec', protocol])));
      const hosts = routes.flatMap((r) => asArray(get(r, ['route'])).map((d) => get(d, ['destination', 'host'])));
      return hosts.some(refersToService) ? [{ kind, name: nameOf(c.object) }] : [];
    }
    if (group === 'networking.istio.io' && kind === 'DestinationRule') {
      return refersToService(get(c.object, ['spec', 'host'])) ? [{ kind, name: nameOf(c.object) }] : [];
    }
    return [];
  });
}

function asArray(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [];
}


/**
 * podSpecSelectorsOnProduction lists the places in the Deployment's pod spec (pod affinity and
 * anti-affinity terms, topology spread constraints) whose selector matches production's pods but
 * not the canary's. The canary's copy keeps them, so they still point at production's pods: a
 * required anti-affinity then keeps canary pods off every node that runs a production pod.
 */
export function podSpecSelectorsOnProduction(deployment: KubeObject, productionPodLabels: Labels, canaryPodLabels: Labels): string[] {
  const spec = get(deployment, ['spec', 'template', 'spec']);
  const found: string[] = [];
  const check = (path: string, selector: unknown) => {
    if (selector === undefined || selector === null) return;
    const s = readLabelSelector(selector);
    if (selectorMatches(s, productionPodLabels) && !selectorMatches(s, canaryPodLabels)) found.push(path);
  };
  for (const kind of ['podAffinity', 'podAntiAffinity']) {
    asArray(get(spec, ['affinity', kind, 'requiredDuringSchedulingIgnoredDuringExecution'])).forEach((term, i) =>
      check(`affinity.${kind}.requiredDuringSchedulingIgnoredDuringExecution[${i}]`, get(term, ['labelSelector'])),
    );
    asArray(get(spec, ['affinity', kind, 'preferredDuringSchedulingIgnoredDuringExecution'])).forEach((term, i) =>
      check(`affinity.${kind}.preferredDuringSchedulingIgnoredDuringExecution[${i}]`, get(term, ['podAffinityTerm', 'labelSelector'])),
    );
  }
  asArray(get(spec, ['topologySpreadConstraints'])).forEach((c, i) => check(`topologySpreadConstraints[${i}]`, get(c, ['labelSelector'])));
  return found;
}
