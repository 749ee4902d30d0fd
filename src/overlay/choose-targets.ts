// Which of the chart's objects the overlay canaries: the Deployment, its container and the Service
// in front of its pods, named by the config or, when the chart renders only one, found. Hooks and
// the overlay's own generated objects are never candidates.
import { OverlayError } from './overlay-error.js';
import type { OverlayTarget } from './overlay-input.js';
import {
  get,
  isDeployment,
  isRecord,
  isService,
  labelsMatch,
  nameOf,
  podLabelsOf,
  readLabelSelector,
  stringMap,
  type KubeObject,
  type Labels,
} from './kube-objects.js';

/** Candidate is a chart object the overlay may choose: its value and its place in the stream. */
export interface Candidate {
  index: number;
  object: KubeObject;
}

/** Targets are the chosen objects and what the overlay reads from them. */
export interface Targets {
  deployment: Candidate;
  /** The chosen container's name and its index in spec.template.spec.containers. */
  container: { name: string; index: number };
  service: Candidate;
  /** S: the Deployment's spec.selector.matchLabels. */
  deploymentSelector: Labels;
  /** The Deployment's pod template labels. */
  podLabels: Labels;
  /** Q: the Service's spec.selector. */
  serviceSelector: Labels;
}

/** chooseTargets finds the Deployment, container and Service among the chart's own (non-hook, non-generated) objects. */
export function chooseTargets(objects: Candidate[], target: OverlayTarget): Targets {
  // An empty name in the config means "not named", as a missing one does.
  const named = (name: string | undefined) => (name === '' ? undefined : name);
  const deployment = chooseDeployment(objects, named(target.deployment));
  const deploymentName = nameOf(deployment.object);
  const deploymentSelector = readDeploymentSelector(deployment.object, deploymentName);
  const podLabels = podLabelsOf(deployment.object) ?? {};
  const container = chooseContainer(deployment.object, deploymentName, named(target.container));
  const service = chooseService(objects, deploymentName, podLabels, named(target.service));
  return { deployment, container, service, deploymentSelector, podLabels, serviceSelector: serviceSelectorOf(service.object) };
}

function chooseDeployment(objects: Candidate[], wanted: string | undefined): Candidate {
  const deployments = objects.filter((c) => isDeployment(c.object));
  const names = deployments.map((c) => nameOf(c.object));
  if (wanted !== undefined) {
    const found = deployments.find((c) => nameOf(c.object) === wanted);
    if (found) return found;
    throw new OverlayError(`The chart renders no Deployment named "${wanted}" (it renders ${listOrNone(names)}).`, [
      names.length > 0 ? `Set the overlay's target deployment to one of: ${names.join(', ')}.` : 'Overlay mode needs a chart that renders an apps/v1 Deployment.',
      'Names are as rendered, release name included (`helm template <release> <chart>` shows them).',
    ]);
  }
  const [only, ...others] = deployments;
  if (only && others.length === 0) return only;
  if (!only) {
    throw new OverlayError('The chart renders no apps/v1 Deployment, so overlay mode has nothing to canary.', [
      'Check the values enable the Deployment, or use the chart pattern of `mode: values` (two Deployments in the chart).',
      'Hook objects (annotation helm.sh/hook) are never canaried.',
    ]);
  }
  throw new OverlayError(`The chart renders ${deployments.length} Deployments (${names.join(', ')}); overlay mode canaries one.`, [
    `Name the one to canary in the overlay's target deployment: one of ${names.join(', ')}.`,
  ]);
}

function readDeploymentSelector(deployment: KubeObject, name: string): Labels {
  const selector = readLabelSelector(get(deployment, ['spec', 'selector']));
  if (selector.matchExpressions.length > 0) {
    throw new OverlayError(`Deployment "${name}" selects its pods with matchExpressions; overlay mode needs a selector of matchLabels only.`, [
      'The canary Deployment selects its pods by the production selector less one label; with matchExpressions the overlay cannot prove that production, an HPA or a PDB never count the canary\'s pods.',
      'Write the selector as matchLabels (a selector is immutable: changing it means deleting the Deployment once).',
    ]);
  }
  if (Object.keys(selector.matchLabels).length === 0) {
    throw new OverlayError(`Deployment "${name}" has no spec.selector.matchLabels.`, ['An apps/v1 Deployment needs a selector; render the chart with `helm template` and check it.']);
  }
  return selector.matchLabels;
}

function chooseContainer(deployment: KubeObject, deploymentName: string, wanted: string | undefined): { name: string; index: number } {
  const containers = get(deployment, ['spec', 'template', 'spec', 'containers']);
  const names = Array.isArray(containers) ? containers.map((c) => (isRecord(c) ? String(c.name ?? '') : '')) : [];
  if (wanted !== undefined) {
    const index = names.indexOf(wanted);
    if (index >= 0) return { name: wanted, index };
    throw new OverlayError(`Deployment "${deploymentName}" has no container named "${wanted}" (it has ${listOrNone(names)}).`, [
      names.length > 0 ? `Set the overlay's target container to one of: ${names.join(', ')}.` : 'The Deployment renders no containers.',
    ]);
  }
  const [only, ...others] = names;
  if (only !== undefined && others.length === 0) return { name: only, index: 0 };
  throw new OverlayError(
    names.length === 0
      ? `Deployment "${deploymentName}" renders no containers.`
      : `Deployment "${deploymentName}" has ${names.length} containers (${names.join(', ')}); overlay mode sets the image of one.`,
    names.length === 0 ? [] : [`Name the container whose image is the release's image in the overlay's target container: one of ${names.join(', ')}.`],
  );
}

function chooseService(objects: Candidate[], deploymentName: string, podLabels: Labels, wanted: string | undefined): Candidate {
  const services = objects.filter((c) => isService(c.object));
  const serving = services.filter((c) => selects(serviceSelectorOf(c.object), podLabels));
  if (wanted !== undefined) {
    const found = services.find((c) => nameOf(c.object) === wanted);
    if (!found) {
      throw new OverlayError(`The chart renders no Service named "${wanted}" (it renders ${listOrNone(services.map((c) => nameOf(c.object)))}).`, [
        serving.length > 0 ? `Services that select Deployment "${deploymentName}"'s pods: ${serving.map((c) => nameOf(c.object)).join(', ')}.` : `No Service of the chart selects Deployment "${deploymentName}"'s pods.`,
      ]);
    }
    if (!selects(serviceSelectorOf(found.object), podLabels)) {
      throw new OverlayError(`Service "${wanted}" does not select Deployment "${deploymentName}"'s pods (its selector is empty or asks for labels the pod template lacks).`, [
        'The overlay routes the Service\'s traffic between the Deployment and its canary; name the Service in front of the Deployment.',
      ]);
    }
    return found;
  }
  const [only, ...others] = serving;
  if (only && others.length === 0) return only;
  if (!only) {
    throw new OverlayError(`No Service of the chart selects Deployment "${deploymentName}"'s pods, so there is no traffic to split.`, [
      'Overlay mode needs a Service whose selector matches the Deployment\'s pod template labels.',
      services.length > 0 ? `The chart's Services: ${services.map((c) => nameOf(c.object)).join(', ')}.` : 'The chart renders no Service.',
    ]);
  }
  const names = serving.map((c) => nameOf(c.object));
  throw new OverlayError(`${serving.length} Services select Deployment "${deploymentName}"'s pods (${names.join(', ')}); overlay mode routes one.`, [
    `Name the Service the traffic arrives by in the overlay's target service: one of ${names.join(', ')}.`,
  ]);
}

/** serviceSelectorOf is a Service's spec.selector. */
export function serviceSelectorOf(service: KubeObject): Labels {
  return stringMap(get(service, ['spec', 'selector']));
}

// An empty Service selector selects nothing (the Service's endpoints are managed by hand).
function selects(selector: Labels, podLabels: Labels): boolean {
  return Object.keys(selector).length > 0 && labelsMatch(selector, podLabels);
}

function listOrNone(names: string[]): string {
  return names.length === 0 ? 'none' : names.join(', ');
}
