// The overlay on exactly what helm hands a post-renderer, captured from the real helm 3 (an
// executable; hooks left out) and helm 4 (a postrenderer/v1 plugin; hooks in, no `# Source:`
// comments, every object annotated with its template's file) for helm create's chart with
// autoscaling, a PDB, a ConfigMap and a pre-upgrade hook Job.
import { before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { overlayManifest } from '../../src/overlay/transform.js';
import { helmAvailable } from '../sim/helm-env.js';
import { CONFIG_AND_HOOK_TEMPLATES, PDB_TEMPLATE, documentText, find, matches, nodeText, objectsOf, overlayInput, renderHelmCreate } from './overlay-fixtures.js';

const FILENAME_ANNOTATION = 'postrenderer.helm.sh/postrender-filename';

for (const version of [3, 4] as const) {
  describe(`overlay on helm ${version}'s post-renderer input`, { skip: !helmAvailable() && 'run `npm run helm:setup` first' }, () => {
    let input: string;
    before(async () => {
      input = await renderHelmCreate(version, {
        sets: ['autoscaling.enabled=true'],
        extraTemplates: { 'pdb.yaml': PDB_TEMPLATE, ...CONFIG_AND_HOOK_TEMPLATES },
        postRendererInput: true,
      });
    });

    it(`hooks are ${version === 4 ? 'passed in by helm and written back exactly as given' : 'not passed in by helm, and none appear'}`, () => {
      const out = overlayManifest(input, overlayInput());
      const hooks = objectsOf(out).filter((o) => o.metadata?.annotations?.['helm.sh/hook'] !== undefined);
      if (version === 3) {
        assert.deepEqual(hooks, []);
        return;
      }
      assert.deepEqual(hooks.map((h) => `${h.kind}/${h.metadata.name}`).sort(), ['Job/rel-demo-migrate', 'Pod/rel-demo-test-connection']);
      for (const h of hooks) assert.equal(documentText(out, h.kind, h.metadata.name), documentText(input, h.kind, h.metadata.name));
    });

    it('keeps the tracks apart, production as rendered, and the HPA\'s replicas', () => {
      const manifest = overlayManifest(input, overlayInput());
      const out = objectsOf(manifest);
      const production = find(out, 'Deployment', 'rel-demo');
      const canary = find(out, 'Deployment', 'rel-demo-canary');
      for (const path of [['spec', 'selector'], ['spec', 'template', 'metadata', 'labels']]) {
        assert.equal(nodeText(manifest, 'Deployment', 'rel-demo', path), nodeText(input, 'Deployment', 'rel-demo', path));
      }
      assert.equal('replicas' in production.spec, false);
      assert.equal(canary.spec.replicas, 1);
      const pdb = find(out, 'PodDisruptionBudget', 'rel-demo');
      assert.equal(matches(pdb.spec.selector.matchLabels, canary.spec.template.metadata.labels), false);
      assert.equal(matches(production.spec.selector.matchLabels, canary.spec.template.metadata.labels), false);
      const serviceSelector = find(out, 'Service', 'rel-demo').spec.selector;
      assert.ok(matches(serviceSelector, canary.spec.template.metadata.labels) && matches(serviceSelector, production.spec.template.metadata.labels));
    });

    if (version === 4) {
      it('the canary keeps production\'s template file annotation (helm files it with the Deployment); the Istio objects have none', () => {
        const out = objectsOf(overlayManifest(input, overlayInput()));
        assert.equal(find(out, 'Deployment', 'rel-demo-canary').metadata.annotations[FILENAME_ANNOTATION], 'demo/templates/deployment.yaml');
        for (const kind of ['DestinationRule', 'VirtualService']) assert.equal(find(out, kind, 'rel-demo').metadata.annotations[FILENAME_ANNOTATION], undefined);
      });
    }

    it('is idempotent, and the next stage over a stage\'s output equals the next stage over helm\'s', () => {
      const once = overlayManifest(input, overlayInput());
      assert.equal(overlayManifest(once, overlayInput()), once);
      const next = overlayInput();
      next.values.canary.weight = 100;
      next.values.production.weight = 0;
      assert.equal(overlayManifest(once, next), overlayManifest(input, next));
    });
  });
}
