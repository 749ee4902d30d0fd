// What the overlay will do to one rendered manifest, worked out before anything is edited: the
// chosen objects, the split key, the selectors before and after, the generated objects' names, and
// the HPAs, PDBs and hooks it leaves alone. The transform applies this plan; `lint` and `plan`
// describe it.
import { chooseTargets, type Candidate, type Targets } from './choose-targets.js';
import { OverlayError } from './overlay-error.js';
import { TRACK_LABEL, type OverlayTarget } from './overlay-input.js';
import { checkServiceSelectorAfter, chooseSplitKey, type OtherWorkload, type SplitKey } from './split-key.js';
import {
  annotationsOf,
  apiGroupOf,
  asObject,
  get,
  HOOK_ANNOTATION,
  isDeployment,
  isGenerated,
  isHook,
  isService,
  kindOf,
  nameOf,
  podLabelsOf,
  readLabelSelector,
  selectorMatches,
  stringMap,
  without,
  type KubeObject,
  type Labels,
} from './kube-objects.js';

/** CANARY_SUFFIX is appended to the chart's Deployment's name to name the canary Deployment. */
export const CANARY_SUFFIX = '-canary';
/** PRODUCTION_SUBSET and CANARY_SUBSET name the DestinationRule's subsets (and the VirtualService's routes). */
export const PRODUCTION_SUBSET = 'production';
export const CANARY_SUBSET = 'canary';

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

/** OverlayPlan is everything the transform does, decided from the manifest and the target alone. */
export interface OverlayPlan {
  targets: Targets;
  split: SplitKey;
  /** The Service's selector after the overlay (Q less k when Q has k, else Q). */
  serviceSelectorAfter: Labels;
  canaryName: string;
  /** The canary Deployment's selector and pod labels: S (or the template's labels) less k, plus the track label. */
  canarySelector: Labels;
  canaryPodLabels: Labels;
  /** The DestinationRule's subsets' labels. */
  productionSubset: Labels;
  canarySubset: Labels;
  /** Istio objects are named after the Service and live in its namespace. */
  routingName: string;
  namespace?: string;
  /** The port the VirtualService routes to, when the Service has several. */
  routePort?: number;
  autoscalers: AutoscalerFound[];
  disruptionBudgets: DisruptionBudgetFound[];
  hooks: (ObjectRef & { hook: string })[];
  /**
   * Other objects of the chart that select production's pods by label but not the canary's (they
   * lack k): a NetworkPolicy, an Istio policy or another Service then does not apply to the canary.
   */
  selectingProductionOnly: ObjectRef[];
  /**
   * Objects of the chart that send traffic to the Service without the overlay's VirtualService
   * (an Ingress, a Gateway API route, the chart's own VirtualService or DestinationRule for it).
   */
  routingAround: ObjectRef[];
  /** Indexes of documents a previous overlay generated: dropped, then made again. */
  previouslyGenerated: number[];
}

/** DNS_SUBDOMAIN is what Kubernetes accepts as a Deployment's name. */
const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

/** planOverlay decides what the overlay does to the manifest's objects (`values` by document index). */
export function planOverlay(values: readonly unknown[], target: OverlayTarget): OverlayPlan {
  const hooks: OverlayPlan['hooks'] = [];
  const previouslyGenerated: number[] = [];
  const chart: Candidate[] = [];
  values.forEach((value, index) => {
    const object = asObject(value);
    if (!object) return;
    if (isHook(object)) hooks.push({ kind: kindOf(object), name: nameOf(object), hook: annotationsOf(object)[HOOK_ANNOTATION] ?? '' });
    else if (isGenerated(object)) previouslyGenerated.push(index);
    else chart.push({ index, object });
  });

  const targets = chooseTargets(chart, target);
  const deploymentName = nameOf(targets.deployment.object);
  const serviceName = nameOf(targets.service.object);
  const split = chooseSplitKey(targets.deploymentSelector, targets.serviceSelector);
  const others: OtherWorkload[] = chart
    .filter((c) => c !== targets.deployment)
    .flatMap((c) => {
      const podLabels = podLabelsOf(c.object);
      return podLabels ? [{ kind: kindOf(c.object), name: nameOf(c.object), podLabels }] : [];
    });
  const serviceSelectorAfter = checkServiceSelectorAfter(split, serviceName, deploymentName, targets.serviceSelector, others);

  const canaryName = `${deploymentName}${CANARY_SUFFIX}`;
  checkCanaryName(canaryName, deploymentName);
  const track = { [TRACK_LABEL]: CANARY_SUBSET };
  const canarySelector = { ...without(targets.deploymentSelector, split.key), ...track };
  const canaryPodLabels = { ...without(targets.podLabels, split.key), ...track };
  checkNoClash(chart, canaryName, serviceName);

  const namespace = get(targets.service.object, ['metadata', 'namespace']);
  return {
    targets,
    split,
    serviceSelectorAfter,
    canaryName,
    canarySelector,
    canaryPodLabels,
    productionSubset: targets.deploymentSelector,
    canarySubset: canarySelector,
    routingName: serviceName,
    ...(typeof namespace === 'string' && namespace !== '' ? { namespace } : {}),
    ...routePortOf(targets.service.object),
    autoscalers: autoscalersOf(chart, targets.deployment.object),
    disruptionBudgets: disruptionBudgetsOf(chart, targets.podLabels, canaryPodLabels),
    hooks,
    selectingProductionOnly: selectingProductionOnly(chart, targets, canaryPodLabels),
    routingAround: routingAround(chart, serviceName),
    previouslyGenerated,
  };
}

function checkCanaryName(canaryName: string, deploymentName: string): void {
  if (canaryName.length > 253 || !DNS_SUBDOMAIN.test(canaryName)) {
    throw new OverlayError(`The canary Deployment's name "${canaryName}" is not a valid Kubernetes name (lowercase letters, digits, '-' and '.', at most 253 characters).`, [
      `It is Deployment "${deploymentName}"'s name plus "${CANARY_SUFFIX}"; shorten the Deployment's name (often with the chart's fullnameOverride).`,
    ]);
  }
}

// The generated objects must not replace one of the chart's own.
function checkNoClash(chart: Candidate[], canaryName: string, routingName: string): void {
  const clashes = chart.filter((c) => {
    const name = nameOf(c.object);
    if (isDeployment(c.object)) return name === canaryName;
    const istio = apiGroupOf(c.object) === 'networking.istio.io';
    return istio && (kindOf(c.object) === 'VirtualService' || kindOf(c.object) === 'DestinationRule') && name === routingName;
  });
  if (clashes.length > 0) {
    const names = clashes.map((c) => `${kindOf(c.object)} "${nameOf(c.object)}"`).join(', ');
    throw new OverlayError(`The chart already renders ${names}, which the overlay would generate.`, [
      'Overlay mode is for charts without their own canary objects; a chart with its own two Deployments, DestinationRule and VirtualService uses `mode: values`.',
    ]);
  }
}

// With one port Istio needs none; with several, a route without a port is ambiguous.
function routePortOf(service: KubeObject): { routePort?: number } {
  const ports = get(service, ['spec', 'ports']);
  if (!Array.isArray(ports) || ports.length < 2) return {};
  const http = ports.find((p) => get(p, ['name']) === 'http') ?? ports[0];
  const number = Number(get(http, ['port']));
  return Number.isInteger(number) && number > 0 ? { routePort: number } : {};
}

function autoscalersOf(chart: Candidate[], deployment: KubeObject): AutoscalerFound[] {
  const name = nameOf(deployment);
  const noReplicas = get(deployment, ['spec', 'replicas']) === undefined || get(deployment, ['spec', 'replicas']) === null;
  return chart
    .filter((c) => kindOf(c.object) === 'HorizontalPodAutoscaler' && apiGroupOf(c.object) === 'autoscaling')
    .filter((c) => get(c.object, ['spec', 'scaleTargetRef', 'kind']) === 'Deployment' && get(c.object, ['spec', 'scaleTargetRef', 'name']) === name)
    .map((c) => ({ name: nameOf(c.object), ownsProductionReplicas: noReplicas }));
}

function disruptionBudgetsOf(chart: Candidate[], productionPodLabels: Labels, canaryPodLabels: Labels): DisruptionBudgetFound[] {
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

function selectingProductionOnly(chart: Candidate[], targets: Targets, canaryPodLabels: Labels): ObjectRef[] {
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

// Every Service name an Ingress, a Gateway API route or an Istio object of the chart sends traffic to.
function routingAround(chart: Candidate[], serviceName: string): ObjectRef[] {
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

/** stageSetsProductionReplicas tells whether production's replicas are the stage's (no HPA owns them). */
export function stageSetsProductionReplicas(plan: OverlayPlan): boolean {
  return !plan.autoscalers.some((a) => a.ownsProductionReplicas);
}
