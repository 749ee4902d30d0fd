// The objects the overlay adds: the canary Deployment (a copy of the chart's, its pods lacking the
// split key and carrying the track label), and the DestinationRule and VirtualService that split the
// Service's traffic between the two tracks. Each is marked generated, so the next run replaces it.
import { isMap, type Document } from 'yaml';
import { deleteField, newDocument, setField } from './manifest-documents.js';
import { CANARY_OF_ANNOTATION, GENERATED_ANNOTATION, TRACK_LABEL, type OverlayInput } from './overlay-input.js';
import { CANARY_SUBSET, PRODUCTION_SUBSET, type OverlayPlan } from './overlay-plan.js';
import { labelsOf, nameOf, type Labels } from './kube-objects.js';

/** DEFAULT_ISTIO_API_VERSION is the Istio API the generated routing uses unless the config names another. */
export const DEFAULT_ISTIO_API_VERSION = 'networking.istio.io/v1';

/** imageOf is the image reference of one track's values. */
export function imageOf(values: { repository: string; tag: string }): string {
  return `${values.repository}:${values.tag}`;
}

/**
 * buildCanaryDeployment copies the production Deployment's document (already given production's
 * image and replicas) and makes it the canary: comments, field order and every setting the canary
 * does not change stay as the chart wrote them.
 */
export function buildCanaryDeployment(production: Document, plan: OverlayPlan, input: Pick<OverlayInput, 'values'>): Document {
  const doc = production.clone();
  setField(doc, ['metadata', 'name'], plan.canaryName);
  setInMap(doc, ['metadata', 'annotations'], GENERATED_ANNOTATION, 'true');
  setInMap(doc, ['metadata', 'annotations'], CANARY_OF_ANNOTATION, nameOf(plan.targets.deployment.object));
  setField(doc, ['spec', 'replicas'], input.values.canary.replicas);
  // Delete k and add the track label in place, so the other labels keep the chart's formatting.
  deleteField(doc, ['spec', 'selector', 'matchLabels', plan.split.key]);
  setInMap(doc, ['spec', 'selector', 'matchLabels'], TRACK_LABEL, CANARY_SUBSET);
  deleteField(doc, ['spec', 'template', 'metadata', 'labels', plan.split.key]);
  setInMap(doc, ['spec', 'template', 'metadata', 'labels'], TRACK_LABEL, CANARY_SUBSET);
  setField(doc, ['spec', 'template', 'spec', 'containers', plan.targets.container.index, 'image'], imageOf(input.values.canary));
  return doc;
}

// yaml's setIn makes a missing mapping on the way as an !!omap under YAML 1.1; a plain map is made here.
function setInMap(doc: Document, path: string[], key: string, value: string): void {
  if (!isMap(doc.getIn(path, true))) doc.setIn(path, doc.createNode({}));
  setField(doc, [...path, key], value);
}

/** buildDestinationRule defines the two subsets: production's pods by S, the canary's by S less k plus the track label. */
export function buildDestinationRule(plan: OverlayPlan, input: Pick<OverlayInput, 'istioApiVersion'>): Document {
  return newDocument(
    {
      apiVersion: input.istioApiVersion ?? DEFAULT_ISTIO_API_VERSION,
      kind: 'DestinationRule',
      metadata: metadataOf(plan),
      spec: {
        host: plan.routingName,
        subsets: [
          { name: PRODUCTION_SUBSET, labels: { ...plan.productionSubset } },
          { name: CANARY_SUBSET, labels: { ...plan.canarySubset } },
        ],
      },
    },
    generatedComment(plan),
  );
}

/**
 * buildVirtualService routes the Service's host (and the routing's extra hosts) by the stage's
 * weights. While adopting, it routes to the Service without subsets, as before the overlay, so no
 * proxy is sent to a subset before it has the DestinationRule that defines it.
 */
export function buildVirtualService(plan: OverlayPlan, input: Pick<OverlayInput, 'routing' | 'values' | 'adopting' | 'istioApiVersion'>): Document {
  const port = plan.routePort === undefined ? {} : { port: { number: plan.routePort } };
  const destination = (subset?: string) => ({ host: plan.routingName, ...(subset === undefined ? {} : { subset }), ...port });
  const route = input.adopting
    ? [{ destination: destination() }]
    : [
        { destination: destination(PRODUCTION_SUBSET), weight: input.values.production.weight },
        { destination: destination(CANARY_SUBSET), weight: input.values.canary.weight },
      ];
  return newDocument(
    {
      apiVersion: input.istioApiVersion ?? DEFAULT_ISTIO_API_VERSION,
      kind: 'VirtualService',
      metadata: metadataOf(plan),
      spec: {
        hosts: [plan.routingName, ...input.routing.hosts],
        // Naming any gateway drops the default "mesh"; it is added back so in-cluster calls keep the split.
        ...(input.routing.gateways.length > 0 ? { gateways: [...input.routing.gateways, 'mesh'] } : {}),
        http: [{ route }],
      },
    },
    generatedComment(plan),
  );
}

// Helm's own labels (app.kubernetes.io/managed-by and the rest) come from the chart's Deployment.
function metadataOf(plan: OverlayPlan): { name: string; namespace?: string; labels?: Labels; annotations: Labels } {
  const labels = labelsOf(plan.targets.deployment.object);
  return {
    name: plan.routingName,
    ...(plan.namespace === undefined ? {} : { namespace: plan.namespace }),
    ...(Object.keys(labels).length > 0 ? { labels } : {}),
    annotations: { [GENERATED_ANNOTATION]: 'true' },
  };
}

function generatedComment(plan: OverlayPlan): string {
  return ` Generated by helm-canary's overlay for Service ${plan.routingName} and Deployment ${nameOf(plan.targets.deployment.object)}`;
}
