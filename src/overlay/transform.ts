// The overlay post-renderer's transform: helm's rendered manifest in, the same manifest with the
// canary added out. Pure: no files, no cluster. See the design in README.md, "Any chart".
import { isDeepStrictEqual } from 'node:util';
import { OverlayError } from './overlay-error.js';
import type { OverlayInput } from './overlay-input.js';
import { deleteField, parseManifest, serializeManifest, setField, type ManifestDocument, type OutputDocument } from './manifest-documents.js';
import { planOverlay, stageSetsProductionReplicas } from './overlay-plan.js';
import { buildCanaryDeployment, buildDestinationRule, buildVirtualService, imageOf } from './generated-objects.js';

export { OverlayError };

/**
 * overlayManifest adds the canary to a chart's rendered manifest: production's image and replicas
 * on the chart's Deployment (its selector and pod labels untouched), a canary Deployment, the split
 * key out of the Service's selector, a DestinationRule and a VirtualService. Hooks and every
 * object it does not change are written back as they were read; objects a previous run generated
 * are made again, so running it on its own output changes nothing. Throws OverlayError.
 */
export function overlayManifest(manifest: string, input: OverlayInput): string {
  checkValues(input);
  const documents = parseManifest(manifest);
  const plan = planOverlay(
    documents.map((d) => d.value),
    input.target,
  );
  const dropped = new Set(plan.previouslyGenerated);
  const deploymentIndex = plan.targets.deployment.index;
  const serviceIndex = plan.targets.service.index;

  const out: OutputDocument[] = [];
  documents.forEach((document, index) => {
    if (dropped.has(index)) return;
    if (index === deploymentIndex) {
      const { doc } = document;
      setField(doc, ['spec', 'template', 'spec', 'containers', plan.targets.container.index, 'image'], imageOf(input.values.production));
      // A BigInt, as parseManifest reads integers, so an unchanged count leaves the document as read.
      if (stageSetsProductionReplicas(plan)) setField(doc, ['spec', 'replicas'], BigInt(input.values.production.replicas));
      out.push(unlessUnchanged(document));
      out.push({ doc: buildCanaryDeployment(doc, plan, input) });
    } else if (index === serviceIndex) {
      // While adopting (or detaching) the VirtualService routes to the Service as a whole, so the
      // Service keeps the chart's own selector: production's pods only, never a pod of a hook Job
      // or another workload the wider selector would take in. It widens with the first routing by
      // subset, whose subsets keep each route to its own track; the canary has no pods until then.
      if (plan.split.inServiceSelector && !input.adopting) deleteField(document.doc, ['spec', 'selector', plan.split.key]);
      out.push(unlessUnchanged(document));
      out.push({ doc: buildDestinationRule(plan, input) }, { doc: buildVirtualService(plan, input) });
    } else {
      out.push({ source: document.source });
    }
  });
  return serializeManifest(out);
}

// A document whose value the overlay did not change is written back as read, byte for byte.
function unlessUnchanged(document: ManifestDocument): OutputDocument {
  return isDeepStrictEqual(document.doc.toJS({ maxAliasCount: 10_000 }), document.value) ? { source: document.source } : { doc: document.doc };
}

function checkValues(input: OverlayInput): void {
  const problems: string[] = [];
  for (const track of ['production', 'canary'] as const) {
    const v = input.values[track];
    if (!Number.isInteger(v.replicas) || v.replicas < 0) problems.push(`${track}.replicas must be a whole number of at least 0 (got ${String(v.replicas)})`);
    if (!Number.isInteger(v.weight) || v.weight < 0 || v.weight > 100) problems.push(`${track}.weight must be a whole number from 0 to 100, as Istio takes it (got ${String(v.weight)})`);
    if (v.repository === '' || v.tag === '') problems.push(`${track}: the image repository and tag must not be empty`);
  }
  if (problems.length > 0) {
    throw new OverlayError(`The overlay's stage values are not usable: ${problems.join('; ')}.`, ['This is a bug in helm-canary if the values came from its own stage file; please report it.']);
  }
}
