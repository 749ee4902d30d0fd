// What the overlay would do to a chart, for `lint` and `plan`: the chosen objects, the split key,
// the Service's selector before and after, the objects it generates, and the chart's HPAs, PDBs and
// hooks it leaves alone, each with what it means for the canary.
import type { OverlayInput } from './overlay-input.js';
import { parseManifest } from './manifest-documents.js';
import { planOverlay, type AutoscalerFound, type DisruptionBudgetFound, type ObjectRef } from './overlay-plan.js';
import { nameOf, type Labels } from './kube-objects.js';

/** OverlayDescription is the overlay's plan for one rendered manifest, for people and `--output json`. */
export interface OverlayDescription {
  deployment: string;
  container: string;
  service: string;
  canaryDeployment: string;
  /** k: the label of the Deployment's selector that the canary's pods lack. */
  splitKey: string;
  /** S: the Deployment's selector, unchanged; also the production subset's labels. */
  deploymentSelector: Labels;
  serviceSelectorBefore: Labels;
  serviceSelectorAfter: Labels;
  /** True when k is removed from the Service's selector (it is unchanged otherwise). */
  serviceSelectorChanged: boolean;
  productionSubset: Labels;
  canarySubset: Labels;
  /** The VirtualService's hosts and gateways ("mesh" added when any gateway is named). */
  hosts: string[];
  gateways: string[];
  /** The objects the overlay adds (helm owns them: uninstall removes them). */
  generated: ObjectRef[];
  autoscalers: AutoscalerFound[];
  disruptionBudgets: DisruptionBudgetFound[];
  /** Hook objects, which the overlay leaves exactly as rendered. */
  hooks: (ObjectRef & { hook: string })[];
  /** Sentences for people: what each choice means, and anything to look at. */
  notes: string[];
  /** Findings that do not stop the overlay but may not be what the team wants. */
  warnings: string[];
}

/** describeOverlay says what overlayManifest would do with this manifest; throws OverlayError as it would. */
export function describeOverlay(manifest: string, input: Pick<OverlayInput, 'target' | 'routing'>): OverlayDescription {
  const documents = parseManifest(manifest);
  const plan = planOverlay(
    documents.map((d) => d.value),
    input.target,
  );
  const deployment = nameOf(plan.targets.deployment.object);
  const service = nameOf(plan.targets.service.object);
  const k = plan.split.key;
  const notes: string[] = [];
  const warnings: string[] = [];

  notes.push(
    `The canary's pods lack ${k}, so Deployment "${deployment}"'s selector (unchanged) never counts them.`,
    plan.split.inServiceSelector
      ? `Service "${service}" loses ${k} from its selector, so it selects both tracks; it has the same endpoints while the canary has 0 pods.`
      : `Service "${service}"'s selector already lacks ${k}; it stays as it is and selects both tracks.`,
    'Production\'s selector and pod labels are not changed, so adopting the overlay restarts no pod.',
  );
  for (const hpa of plan.autoscalers) {
    notes.push(
      hpa.ownsProductionReplicas
        ? `HorizontalPodAutoscaler "${hpa.name}" scales Deployment "${deployment}" and owns its replicas (the chart sets none); it counts production's pods only. The canary's replicas are the plan's.`
        : `HorizontalPodAutoscaler "${hpa.name}" scales Deployment "${deployment}", counting production's pods only.`,
    );
    if (!hpa.ownsProductionReplicas) {
      warnings.push(`Deployment "${deployment}" sets spec.replicas while HorizontalPodAutoscaler "${hpa.name}" scales it: each apply resets production to the stage's replicas until the HPA scales it again. Charts usually leave replicas out when autoscaling.`);
    }
  }
  for (const pdb of plan.disruptionBudgets) {
    if (pdb.countsProduction && !pdb.countsCanary) notes.push(`PodDisruptionBudget "${pdb.name}" counts production's pods only.`);
    else if (pdb.countsCanary) {
      warnings.push(
        `PodDisruptionBudget "${pdb.name}" counts the canary's pods${pdb.countsProduction ? ' as well as production\'s' : ''}: canary pods can satisfy it while production's are evicted. Select by the Deployment's selector (${formatLabels(plan.targets.deploymentSelector)}) to count production's only.`,
      );
    }
  }
  for (const other of plan.selectingProductionOnly) {
    warnings.push(
      `${other.kind} "${other.name}" selects production's pods by label but not the canary's (they lack ${k}), so it does not apply to the canary. Select by labels both tracks have (the Service's selector after the overlay: ${formatLabels(plan.serviceSelectorAfter)}) if it should.`,
    );
  }
  for (const other of plan.routingAround) {
    warnings.push(
      other.kind === 'DestinationRule'
        ? `The chart's DestinationRule "${other.name}" is for Service "${service}"'s host too; Istio applies one DestinationRule per host, so the overlay's subsets may be ignored. Remove it or move its traffic policy elsewhere.`
        : `${other.kind} "${other.name}" sends traffic to Service "${service}" without the overlay's VirtualService: that traffic reaches both tracks in proportion to their ready pods, not by the stage's weights. Route it through an Istio Gateway named in the overlay's routing (gateways and hosts) instead.`,
    );
  }
  if (plan.podSpecSelectorsOnProduction.length > 0) {
    warnings.push(
      `The canary copies Deployment "${deployment}"'s pod spec, whose ${plan.podSpecSelectorsOnProduction.join(', ')} select production's pods (by ${k}) and not the canary's: the canary's pods are placed relative to production's, and a required anti-affinity keeps them off every node that runs a production pod. Select by labels both tracks have if the canary's pods should count.`,
    );
  }
  if (plan.hooksSelectedAfter.length > 0) {
    const names = plan.hooksSelectedAfter.map((h) => `${h.kind} "${h.name}"`).join(', ');
    warnings.push(
      `Service "${service}"'s selector after the overlay (${formatLabels(plan.serviceSelectorAfter)}) also matches the pods of hook ${names}: the mesh routes by subset and sends them nothing, but clients outside the mesh (kube-proxy, an Ingress controller without a sidecar) may reach them while the hook runs. Give the hook's pods a label value the Service's selector does not match.`,
    );
  }
  if (plan.hooks.length > 0) notes.push(`Hooks are left exactly as rendered: ${plan.hooks.map((h) => `${h.kind} "${h.name}" (${h.hook})`).join(', ')}.`);

  return {
    deployment,
    container: plan.targets.container.name,
    service,
    canaryDeployment: plan.canaryName,
    splitKey: k,
    deploymentSelector: plan.targets.deploymentSelector,
    serviceSelectorBefore: plan.targets.serviceSelector,
    serviceSelectorAfter: plan.serviceSelectorAfter,
    serviceSelectorChanged: plan.split.inServiceSelector,
    productionSubset: plan.productionSubset,
    canarySubset: plan.canarySubset,
    hosts: [plan.routingName, ...input.routing.hosts],
    gateways: input.routing.gateways.length > 0 ? [...input.routing.gateways, 'mesh'] : [],
    generated: [
      { kind: 'Deployment', name: plan.canaryName },
      { kind: 'DestinationRule', name: plan.routingName },
      { kind: 'VirtualService', name: plan.routingName },
    ],
    autoscalers: plan.autoscalers,
    disruptionBudgets: plan.disruptionBudgets,
    hooks: plan.hooks,
    notes,
    warnings,
  };
}

function formatLabels(labels: Labels): string {
  return Object.entries(labels)
    .map(([k, v]) => `${k}=${v}`)
    .join(',');
}
