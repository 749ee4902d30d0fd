// The overlay on the chart `helm create` scaffolds, rendered by the real helm 3 and helm 4 and used
// as is: with its defaults, with autoscaling on, and with a PDB, a ConfigMap and a pre-upgrade hook
// Job added the way teams add them. What a user would notice on the cluster is asserted: who
// selects which pods, what is unchanged, and the images, replicas and weights asked for.
import { before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { overlayManifest } from '../../src/overlay/transform.js';
import { describeOverlay } from '../../src/overlay/describe.js';
import { helmAvailable } from '../sim/helm-env.js';
import {
  CONFIG_AND_HOOK_TEMPLATES,
  PDB_TEMPLATE,
  documentText,
  find,
  matches,
  nodeText,
  objectsOf,
  overlayInput,
  renderHelmCreate,
  type Obj,
} from './overlay-fixtures.js';

const GENERATED = 'helm-canary.io/generated';
const TRACK = 'helm-canary.io/track';

for (const version of [3, 4] as const) {
  describe(`overlay on helm create's chart, rendered by helm ${version}`, { skip: !helmAvailable() && 'run `npm run helm:setup` first' }, () => {
    let plain: string;
    let autoscaled: string;
    let extended: string;
    before(async () => {
      [plain, autoscaled, extended] = await Promise.all([
        renderHelmCreate(version),
        renderHelmCreate(version, { sets: ['autoscaling.enabled=true'] }),
        renderHelmCreate(version, { sets: ['autoscaling.enabled=true'], extraTemplates: { 'pdb.yaml': PDB_TEMPLATE, ...CONFIG_AND_HOOK_TEMPLATES } }),
      ]);
    });

    it('adds the canary Deployment, a DestinationRule and a VirtualService, marked generated, with helm\'s labels', () => {
      const out = objectsOf(overlayManifest(plain, overlayInput()));
      const canary = find(out, 'Deployment', 'rel-demo-canary');
      const rule = find(out, 'DestinationRule', 'rel-demo');
      const routes = find(out, 'VirtualService', 'rel-demo');
      for (const generated of [canary, rule, routes]) {
        assert.equal(generated.metadata.annotations[GENERATED], 'true');
        assert.equal(generated.metadata.labels['app.kubernetes.io/managed-by'], 'Helm');
      }
      assert.equal(canary.metadata.annotations['helm-canary.io/canary-of'], 'rel-demo');
      assert.equal(rule.apiVersion, 'networking.istio.io/v1');
      assert.equal(rule.spec.host, 'rel-demo');
      assert.deepEqual(routes.spec.hosts, ['rel-demo']);
      assert.equal(routes.spec.gateways, undefined, 'no gateway named: the VirtualService applies to the mesh by default');
      assert.equal(find(out, 'Deployment', 'rel-demo').metadata.annotations?.[GENERATED], undefined);
    });

    it('the canary\'s pods are not selected by production\'s selector; the Service selects both; each subset only its own', () => {
      const out = objectsOf(overlayManifest(plain, overlayInput()));
      const production = find(out, 'Deployment', 'rel-demo');
      const canary = find(out, 'Deployment', 'rel-demo-canary');
      const productionPods = production.spec.template.metadata.labels;
      const canaryPods = canary.spec.template.metadata.labels;
      assert.equal(matches(production.spec.selector.matchLabels, canaryPods), false, 'production (and an HPA or PDB on its selector) would count canary pods');
      assert.ok(matches(canary.spec.selector.matchLabels, canaryPods), 'the canary Deployment selects its own pods');
      assert.equal(matches(canary.spec.selector.matchLabels, productionPods), false, 'the canary Deployment would adopt production pods');
      const serviceSelector = find(out, 'Service', 'rel-demo').spec.selector;
      assert.ok(matches(serviceSelector, productionPods) && matches(serviceSelector, canaryPods));
      const subsets = Object.fromEntries(find(out, 'DestinationRule', 'rel-demo').spec.subsets.map((s: Obj) => [s.name, s.labels]));
      assert.ok(matches(subsets.production, productionPods) && !matches(subsets.production, canaryPods));
      assert.ok(matches(subsets.canary, canaryPods) && !matches(subsets.canary, productionPods));
      assert.equal(canaryPods[TRACK], 'canary');
      assert.equal(canaryPods['app.kubernetes.io/name'], undefined, 'k is app.kubernetes.io/name for helm create charts');
      assert.deepEqual(serviceSelector, { 'app.kubernetes.io/instance': 'rel' });
    });

    it('leaves production\'s selector and pod template labels byte for byte as rendered, and sets its image and replicas', () => {
      const manifest = overlayManifest(plain, overlayInput());
      for (const path of [['spec', 'selector'], ['spec', 'template', 'metadata', 'labels']]) {
        assert.equal(nodeText(manifest, 'Deployment', 'rel-demo', path), nodeText(plain, 'Deployment', 'rel-demo', path));
      }
      const out = objectsOf(manifest);
      const production = find(out, 'Deployment', 'rel-demo');
      assert.equal(production.spec.template.spec.containers[0].image, 'registry.example/app:1.0.0');
      assert.equal(production.spec.replicas, 3);
      const canary = find(out, 'Deployment', 'rel-demo-canary');
      assert.equal(canary.spec.template.spec.containers[0].image, 'registry.example/app:2.0.0');
      assert.equal(canary.spec.replicas, 1);
      const unchanged = (d: Obj) => ({ ...d.spec.template.spec, containers: d.spec.template.spec.containers.map((c: Obj) => ({ ...c, image: '' })) });
      assert.deepEqual(unchanged(canary), unchanged(production), 'the canary runs the same pod spec but for the image');
    });

    it('routes by the stage\'s weights, with gateways and extra hosts when given', () => {
      const input = overlayInput({ routing: { hosts: ['shop.example.com'], gateways: ['istio-system/public'] } });
      input.values.production.weight = 25;
      input.values.canary.weight = 75;
      const routes = find(objectsOf(overlayManifest(plain, input)), 'VirtualService', 'rel-demo');
      assert.deepEqual(routes.spec.hosts, ['rel-demo', 'shop.example.com']);
      assert.deepEqual(routes.spec.gateways, ['istio-system/public', 'mesh']);
      assert.deepEqual(routes.spec.http, [
        {
          route: [
            { destination: { host: 'rel-demo', subset: 'production' }, weight: 25 },
            { destination: { host: 'rel-demo', subset: 'canary' }, weight: 75 },
          ],
        },
      ]);
    });

    it('keeps the objects it does not change (ServiceAccount, the test hook Pod) byte for byte', () => {
      const manifest = overlayManifest(plain, overlayInput());
      assert.equal(documentText(manifest, 'ServiceAccount', 'rel-demo'), documentText(plain, 'ServiceAccount', 'rel-demo'));
      assert.equal(documentText(manifest, 'Pod', 'rel-demo-test-connection'), documentText(plain, 'Pod', 'rel-demo-test-connection'));
    });

    it('is idempotent: running it on its own output changes nothing, and the next stage over it equals the next stage over the chart', () => {
      const next = overlayInput();
      next.values.canary.replicas = 3;
      next.values.production.weight = 10;
      next.values.canary.weight = 90;
      for (const manifest of [plain, autoscaled, extended]) {
        const once = overlayManifest(manifest, overlayInput());
        assert.equal(overlayManifest(once, overlayInput()), once);
        assert.equal(overlayManifest(once, next), overlayManifest(manifest, next));
      }
    });

    it('with autoscaling on: production\'s replicas stay the HPA\'s, the canary gets the plan\'s, and no HPA targets the canary', () => {
      const manifest = overlayManifest(autoscaled, overlayInput());
      const out = objectsOf(manifest);
      assert.equal('replicas' in find(out, 'Deployment', 'rel-demo').spec, false);
      assert.equal(find(out, 'Deployment', 'rel-demo-canary').spec.replicas, 1);
      const hpas = out.filter((o) => o.kind === 'HorizontalPodAutoscaler');
      assert.deepEqual(hpas.map((h) => h.spec.scaleTargetRef.name), ['rel-demo']);
      assert.equal(documentText(manifest, 'HorizontalPodAutoscaler', 'rel-demo'), documentText(autoscaled, 'HorizontalPodAutoscaler', 'rel-demo'));
      const description = describeOverlay(autoscaled, overlayInput());
      assert.deepEqual(description.autoscalers, [{ name: 'rel-demo', ownsProductionReplicas: true }]);
    });

    it('with a PDB, a ConfigMap and a pre-upgrade hook Job: the PDB counts production\'s pods only; the others are untouched', () => {
      const manifest = overlayManifest(extended, overlayInput());
      const out = objectsOf(manifest);
      const pdb = find(out, 'PodDisruptionBudget', 'rel-demo');
      assert.equal(matches(pdb.spec.selector.matchLabels, find(out, 'Deployment', 'rel-demo-canary').spec.template.metadata.labels), false);
      assert.ok(matches(pdb.spec.selector.matchLabels, find(out, 'Deployment', 'rel-demo').spec.template.metadata.labels));
      for (const [kind, name] of [['PodDisruptionBudget', 'rel-demo'], ['ConfigMap', 'rel-demo-config'], ['Job', 'rel-demo-migrate']] as const) {
        assert.equal(documentText(manifest, kind, name), documentText(extended, kind, name), `${kind} ${name} changed`);
      }
      assert.equal(find(out, 'ConfigMap', 'rel-demo-config').data.enabled, 'on');
      const description = describeOverlay(extended, overlayInput());
      assert.deepEqual(description.disruptionBudgets, [{ name: 'rel-demo', countsProduction: true, countsCanary: false }]);
      assert.deepEqual(description.warnings, []);
      assert.deepEqual(
        description.hooks.map((h) => `${h.kind}/${h.name}:${h.hook}`).sort(),
        ['Job/rel-demo-migrate:pre-upgrade', 'Pod/rel-demo-test-connection:test'],
      );
    });

    it('with the chart\'s Ingress on: describeOverlay warns that its traffic reaches both tracks by pod count, not by weight', async () => {
      const withIngress = await renderHelmCreate(version, { sets: ['ingress.enabled=true'] });
      const d = describeOverlay(withIngress, overlayInput());
      assert.match(d.warnings.join('\n'), /Ingress "rel-demo" sends traffic to Service "rel-demo" without the overlay's VirtualService/);
      assert.deepEqual(describeOverlay(plain, overlayInput()).warnings, []);
    });

    it('describeOverlay names what it chose and what it generates', () => {
      const d = describeOverlay(plain, overlayInput());
      assert.equal(d.deployment, 'rel-demo');
      assert.equal(d.container, 'demo');
      assert.equal(d.service, 'rel-demo');
      assert.equal(d.splitKey, 'app.kubernetes.io/name');
      assert.deepEqual(d.serviceSelectorBefore, { 'app.kubernetes.io/name': 'demo', 'app.kubernetes.io/instance': 'rel' });
      assert.deepEqual(d.serviceSelectorAfter, { 'app.kubernetes.io/instance': 'rel' });
      assert.deepEqual(d.generated, [
        { kind: 'Deployment', name: 'rel-demo-canary' },
        { kind: 'DestinationRule', name: 'rel-demo' },
        { kind: 'VirtualService', name: 'rel-demo' },
      ]);
    });
  });
}
