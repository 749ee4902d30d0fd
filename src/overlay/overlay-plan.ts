// What the overlay will do to one rendered manifest, worked out before anything is edited: the
// chosen objects, the split key, the selectors before and after, the generated objects' names, and
// the HPAs, PDBs and hooks it leaves alone. The transform applies this plan; `lint` and `plan`
// describe it.
import { chooseTargets, type Candidate, type Targets } from './choose-targets.js';
import { autoscalersOf, disruptionBudgetsOf, podSpecSelectorsOnProduction, routingAround, selectingProductionOnly, type AutoscalerFound, type DisruptionBudgetFound, type ObjectRef } from './chart-findings.js';
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
  kindOf,
  labelsMatch,
  nameOf,
  podLabelsOf,
  without,
  type KubeObject,
  type Labels,
} from './kube-objects.js';

/** CANARY_SUFFIX is appended to the chart's Deployment's name to name the canary Deployment. */
export const CANARY_SUFFIX = '-canary';
/** PRODUCTION_SUBSET and CANARY_SUBSET name the DestinationRule's subsets (and the VirtualService's routes). */
export const PRODUCTION_SUBSET = 'production';
export const CANARY_SUBSET = 'canary';

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
   * Hooks whose pods the Service selects only once it lost k (a migration Job labelled with the
   * release's instance label, say). The mesh routes by subset and never sends them a request;
   * clients that bypass the mesh reach the Service's endpoints, these pods among them while they run.
   */
  hooksSelectedAfter: ObjectRef[];
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
  /** Places in the pod spec (affinity, topology spread) that select production's pods but not the canary's. */
  podSpecSelectorsOnProduction: string[];
  /** Indexes of documents a previous overlay generated: dropped, then made again. */
  previouslyGenerated: number[];
}

export type { AutoscalerFound, DisruptionBudgetFound, ObjectRef };

/** DNS_SUBDOMAIN is what Kubernetes accepts as a Deployment's name. */
const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

/** planOverlay decides what the overlay does to the manifest's objects (`values` by document index). */
export function planOverlay(values: readonly unknown[], target: OverlayTarget): OverlayPlan {
  const hooks: OverlayPlan['hooks'] = [];
  const hookPods: OtherWorkload[] = [];
  const previouslyGenerated: number[] = [];
  const chart: Candidate[] = [];
  values.forEach((value, index) => {
    const object = asObject(value);
    if (!object) return;
    if (isHook(object)) {
      hooks.push({ kind: kindOf(object), name: nameOf(object), hook: annotationsOf(object)[HOOK_ANNOTATION] ?? '' });
      const podLabels = podLabelsOf(object);
      if (podLabels) hookPods.push({ kind: kindOf(object), name: nameOf(object), podLabels });
    }
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
    hooksSelectedAfter: hookPods
      .filter((h) => labelsMatch(serviceSelectorAfter, h.podLabels) && !labelsMatch(targets.serviceSelector, h.podLabels))
      .map(({ kind, name }) => ({ kind, name })),
    selectingProductionOnly: selectingProductionOnly(chart, targets, canaryPodLabels),
    routingAround: routingAround(chart, serviceName),
    podSpecSelectorsOnProduction: podSpecSelectorsOnProduction(targets.deployment.object, targets.podLabels, canaryPodLabels),
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

/** stageSetsProductionReplicas tells whether production's replicas are the stage's (no HPA owns them). */
export function stageSetsProductionReplicas(plan: OverlayPlan): boolean {
  return !plan.autoscalers.some((a) => a.ownsProductionReplicas);
}
