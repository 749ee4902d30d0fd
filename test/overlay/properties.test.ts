// Properties of the overlay over random label sets, selectors and stage values: every manifest it
// accepts comes out with each subset selecting only its own track's pods, production's selector
// and pod labels as they were, the Service selecting both tracks, and the same output when run again;
// and it refuses exactly the one-label selector shared with the Service.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { stringify } from 'yaml';
import { overlayManifest, OverlayError } from '../../src/overlay/transform.js';
import { describeOverlay } from '../../src/overlay/describe.js';
import { find, matches, objectsOf, type Obj } from './overlay-fixtures.js';
import type { OverlayInput } from '../../src/overlay/overlay-input.js';

const KEYS = ['app.kubernetes.io/name', 'app.kubernetes.io/instance', 'app.kubernetes.io/component', 'app', 'release', 'tier', 'team'];
// Values YAML 1.1 would read as something else than a string unless quoted.
const VALUES = ['web', 'r', 'true', 'on', 'yes', 'n', '1.0', '10', 'null', '~'];

type Labels = Record<string, string>;

/** A random chart: S ⊆ pod labels, Q a non-empty part of the pod labels, written as helm would. */
const chart = fc
  .record({
    podLabels: fc.dictionary(fc.constantFrom(...KEYS), fc.constantFrom(...VALUES), { minKeys: 1, maxKeys: KEYS.length }),
    selectorPick: fc.array(fc.boolean(), { minLength: KEYS.length, maxLength: KEYS.length }),
    servicePick: fc.array(fc.boolean(), { minLength: KEYS.length, maxLength: KEYS.length }),
    withHpa: fc.boolean(),
    extraLabel: fc.constantFrom(...VALUES),
  })
  .map(({ podLabels, selectorPick, servicePick, withHpa, extraLabel }) => {
    const keys = Object.keys(podLabels);
    const pick = (flags: boolean[]) => {
      const chosen = keys.filter((_, i) => flags[i]);
      return Object.fromEntries((chosen.length > 0 ? chosen : [keys[0] as string]).map((k) => [k, podLabels[k] as string])) as Labels;
    };
    return { podLabels: { ...podLabels, 'helm.sh/chart': extraLabel }, selector: pick(selectorPick), serviceSelector: pick(servicePick), withHpa };
  });

const stage = fc
  .record({ prodReplicas: fc.nat(5), canaryReplicas: fc.nat(5), canaryWeight: fc.integer({ min: 0, max: 100 }), adopting: fc.boolean() })
  .map(
    ({ prodReplicas, canaryReplicas, canaryWeight, adopting }): OverlayInput => ({
      target: {},
      routing: { hosts: [], gateways: [] },
      values: {
        production: { repository: 'app', tag: 'old', replicas: prodReplicas, weight: 100 - canaryWeight },
        canary: { repository: 'app', tag: 'new', replicas: canaryReplicas, weight: canaryWeight },
      },
      adopting,
    }),
  );

function manifestOf(c: { podLabels: Labels; selector: Labels; serviceSelector: Labels; withHpa: boolean }): string {
  const docs: unknown[] = [
    { apiVersion: 'v1', kind: 'Service', metadata: { name: 'web' }, spec: { selector: c.serviceSelector, ports: [{ name: 'http', port: 80 }] } },
    {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'web', labels: { 'app.kubernetes.io/managed-by': 'Helm' } },
      spec: {
        ...(c.withHpa ? {} : { replicas: 2 }),
        selector: { matchLabels: c.selector },
        template: { metadata: { labels: c.podLabels }, spec: { containers: [{ name: 'app', image: 'app:old' }] } },
      },
    },
  ];
  if (c.withHpa) docs.push({ apiVersion: 'autoscaling/v2', kind: 'HorizontalPodAutoscaler', metadata: { name: 'web' }, spec: { scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'web' }, maxReplicas: 4 } });
  return docs.map((d, i) => `---\n# Source: t/templates/${i}.yaml\n${stringify(d, { version: '1.1' })}`).join('');
}

function tryOverlay(manifest: string, input: OverlayInput): string | OverlayError {
  try {
    return overlayManifest(manifest, input);
  } catch (error) {
    if (error instanceof OverlayError) return error;
    throw error;
  }
}

describe('overlay properties over random label sets', () => {
  it('refuses exactly when the Service and Deployment share a one-label selector; otherwise the tracks are kept apart', () => {
    fc.assert(
      fc.property(chart, stage, (c, input) => {
        const manifest = manifestOf(c);
        const result = tryOverlay(manifest, input);
        const sharedOneLabel = Object.keys(c.selector).every((k) => k in c.serviceSelector) && Object.keys(c.serviceSelector).length === 1;
        if (result instanceof OverlayError) {
          assert.ok(sharedOneLabel, `refused: ${result.message}`);
          assert.match(result.message, /two labels/);
          return;
        }
        assert.ok(!sharedOneLabel, 'accepted a one-label selector shared with the Service');
        const out = objectsOf(result);
        const production: Obj = find(out, 'Deployment', 'web');
        const canary: Obj = find(out, 'Deployment', 'web-canary');
        const prodPods: Labels = production.spec.template.metadata.labels;
        const canaryPods: Labels = canary.spec.template.metadata.labels;
        // Production is as the chart rendered it, so adopting restarts nothing.
        assert.deepEqual(production.spec.selector.matchLabels, c.selector);
        assert.deepEqual(prodPods, c.podLabels);
        // Production's Deployment, an HPA or a PDB on S never count canary pods, and vice versa.
        assert.equal(matches(c.selector, canaryPods), false);
        assert.ok(matches(canary.spec.selector.matchLabels, canaryPods));
        assert.equal(matches(canary.spec.selector.matchLabels, prodPods), false);
        // The Service selects both tracks once routing is by subset (it lost at most the split
        // key); while adopting it keeps the chart's own selector, production's pods only.
        const serviceSelector: Labels = find(out, 'Service', 'web').spec.selector;
        if (input.adopting) assert.deepEqual(serviceSelector, c.serviceSelector);
        else assert.ok(matches(serviceSelector, prodPods) && matches(serviceSelector, canaryPods));
        const dropped = Object.keys(c.serviceSelector).filter((k) => !(k in serviceSelector));
        assert.ok(dropped.length <= 1);
        // Each subset selects its own track's pods only.
        const [prodSubset, canarySubset] = find(out, 'DestinationRule', 'web').spec.subsets.map((s: Obj) => s.labels as Labels);
        assert.ok(matches(prodSubset!, prodPods) && !matches(prodSubset!, canaryPods));
        assert.ok(matches(canarySubset!, canaryPods) && !matches(canarySubset!, prodPods));
        // Label values are strings, never YAML 1.1 booleans, numbers or nulls.
        for (const labels of [prodPods, canaryPods, serviceSelector, prodSubset!, canarySubset!]) {
          for (const v of Object.values(labels)) assert.equal(typeof v, 'string');
        }
        // The stage's values.
        assert.equal(production.spec.replicas, c.withHpa ? undefined : input.values.production.replicas);
        assert.equal(canary.spec.replicas, input.values.canary.replicas);
        const route = find(out, 'VirtualService', 'web').spec.http[0].route;
        assert.deepEqual(
          route.map((r: Obj) => r.weight),
          input.adopting ? [undefined] : [input.values.production.weight, input.values.canary.weight],
        );
        // Idempotent, with the same split key.
        assert.equal(overlayManifest(result, input), result);
        assert.equal(describeOverlay(result, input).splitKey, describeOverlay(manifest, input).splitKey);
      }),
      { numRuns: 200 },
    );
  });

  it('the Service never starts selecting another workload\'s pods, and hooks come out exactly as they went in', () => {
    // Labels near the chart's pods' (each kept, dropped or changed), so that a careless split would capture them.
    const near = fc.array(fc.constantFrom('keep', 'drop', 'change'), { minLength: KEYS.length + 1, maxLength: KEYS.length + 1 });
    const nearLabels = (podLabels: Labels, how: string[]): Labels =>
      Object.fromEntries(
        Object.entries(podLabels).flatMap(([k, v], i) => (how[i] === 'drop' ? [] : [[k, how[i] === 'change' ? `${v}-other` : v]])),
      );
    fc.assert(
      fc.property(chart, stage, near, near, (c, input, workerHow, hookHow) => {
        const workerLabels = nearLabels(c.podLabels, workerHow);
        const hookLabels = nearLabels(c.podLabels, hookHow);
        const worker = { apiVersion: 'apps/v1', kind: 'StatefulSet', metadata: { name: 'worker' }, spec: { template: { metadata: { labels: workerLabels } } } };
        const hook = { apiVersion: 'batch/v1', kind: 'Job', metadata: { name: 'hook', annotations: { 'helm.sh/hook': 'pre-upgrade' } }, spec: { template: { metadata: { labels: hookLabels } } } };
        const hookText = `# Source: t/templates/hook.yaml\n${stringify(hook, { version: '1.1' })}`;
        const manifest = `${manifestOf(c)}---\n${stringify(worker, { version: '1.1' })}---\n${hookText}`;
        const result = tryOverlay(manifest, input);
        if (result instanceof OverlayError) return;
        const serviceSelector: Labels = find(objectsOf(result), 'Service', 'web').spec.selector;
        if (matches(serviceSelector, workerLabels)) assert.ok(matches(c.serviceSelector, workerLabels), 'the Service now selects the worker\'s pods');
        assert.ok(result.includes(`---\n${hookText}`), 'the hook changed');
      }),
      { numRuns: 200 },
    );
  });

  it('moving between stages: overlaying one stage\'s output with the next stage\'s values equals overlaying the chart\'s', () => {
    fc.assert(
      fc.property(chart, stage, stage, (c, first, second) => {
        const manifest = manifestOf(c);
        // Routing by subset takes the split key out of the Service's selector, and adopting keeps
        // the chart's own selector; an output that lost the key cannot tell whether the chart's
        // Service had it. helm hands the post-renderer the chart's render every time, so that
        // step (by subset, then adopting: detach's first apply) never meets its own output.
        if (!first.adopting && second.adopting) return;
        const once = tryOverlay(manifest, first);
        if (once instanceof OverlayError) return;
        assert.equal(overlayManifest(once, second), overlayManifest(manifest, second));
      }),
      { numRuns: 200 },
    );
  });
});
