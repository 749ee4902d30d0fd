import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { planRollout, DEFAULT_VALUE_PATHS, toChartValues, readChartValues, upgradeArgs, type ReleaseSpec } from '../../src/engine/index.js';

const spec: ReleaseSpec = {
  release: 'productpage',
  namespace: 'bookinfo',
  chart: { kind: 'path', path: './charts/canary-app' },
  valuesFiles: ['values/prod.yaml'],
  repository: 'acr.io/bookinfo/productpage',
  stableTag: '83',
  newTag: '84',
  replicas: 2,
  valuePaths: DEFAULT_VALUE_PATHS,
  helm: { timeout: '5m', createNamespace: false, extraArgs: [] },
};
const plan = { name: 'seven-stage', steps: [{ weight: 10 }, { weight: 90 }, { weight: 100 }], finalStepMustBe100: true, drainSeconds: 30 };

describe('planRollout', () => {
  const doc = planRollout(spec, plan);
  it('gives every apply the user values files first, then its own generated file', () => {
    const apply = doc.stages[1]!.applies[1]!;
    assert.deepEqual(apply.helmByHand, [
      'upgrade', '--install', 'productpage', './charts/canary-app', '--namespace', 'bookinfo',
      '--values', 'values/prod.yaml', '--values', 'productpage-stage-2b.values.yaml', '--wait', '--timeout', '5m',
    ]);
    assert.ok(!apply.helm.includes('--reuse-values'));
  });
  it("shows helm's argv as the runner runs it: no --wait (the runner waits for what the apply changed), the rollout named in the revision's description", () => {
    const apply = doc.stages[1]!.applies[1]!;
    assert.deepEqual(apply.helm, [
      'upgrade', '--install', 'productpage', './charts/canary-app', '--namespace', 'bookinfo',
      '--values', 'values/prod.yaml', '--values', 'productpage-stage-2b.values.yaml',
      '--description', 'helm-canary 83 -> 84: stage 2 (canary 10 %) step 2/2: traffic 100/0 -> 90/10', '--timeout', '5m',
    ]);
    assert.equal(apply.title, 'stage 2 (canary 10 %) step 2/2 (traffic 100/0 -> 90/10)');
    assert.deepEqual([apply.gate, apply.waitFor, apply.movesTraffic], [['canary'], ['canary'], true]);
  });
  it('writes the seed keys, tags as strings', () => {
    assert.deepEqual(doc.stages[1]!.applies[1]!.values, {
      productionDeployment: { image: { repository: 'acr.io/bookinfo/productpage', tag: '83' }, replicaCount: 2, weight: 90 },
      canaryDeployment: { image: { repository: 'acr.io/bookinfo/productpage', tag: '84' }, replicaCount: 2, weight: 10 },
    });
  });
  it('has a rollback from every stage after the first', () => {
    assert.deepEqual(Object.keys(doc.rollback.from), ['2', '3', '4', '5', '6', '7']);
    assert.equal(doc.rollback.from['6']!.length, 5);
    assert.equal(doc.rollback.from['6']![0]!.valuesFile, 'productpage-rollback-from-6a.values.yaml');
  });
});

describe('chart values', () => {
  const custom = {
    production: { repository: 'app.image.repo', tag: 'app.image.tag', replicas: 'app.replicas', weight: 'routing.stable' },
    canary: { repository: 'canary.image.repo', tag: 'canary.image.tag', replicas: 'canary.replicas', weight: 'routing.canary' },
  };
  const values = { production: { repository: 'r', tag: '1', replicas: 3, weight: 60 }, canary: { repository: 'r', tag: '2', replicas: 3, weight: 40 } };
  it('maps onto custom value paths and reads them back', () => {
    const nested = toChartValues(values, custom);
    assert.deepEqual(nested.routing, { stable: 60, canary: 40 });
    assert.deepEqual(readChartValues(nested, custom), { values });
  });
  it('reports the paths missing from a release', () => {
    assert.deepEqual(readChartValues({ app: { replicas: 2 } }, custom), {
      missing: ['app.image.repo', 'app.image.tag', 'routing.stable', 'canary.image.repo', 'canary.image.tag', 'canary.replicas', 'routing.canary'],
    });
  });
  it('reads numeric tags from a release as strings', () => {
    const nested = toChartValues(values, DEFAULT_VALUE_PATHS) as any;
    nested.productionDeployment.image.tag = 83;
    const read = readChartValues(nested, DEFAULT_VALUE_PATHS);
    assert.ok('values' in read && read.values.production.tag === '83');
  });
});

describe('upgradeArgs', () => {
  it('locates repo and OCI charts with --repo and --version', () => {
    assert.deepEqual(upgradeArgs({ ...spec, valuesFiles: [], chart: { kind: 'repo', repoUrl: 'https://charts.example.com', name: 'app', version: '1.2.3' } }, 'v.yaml').slice(0, 8),
      ['upgrade', '--install', 'productpage', 'app', '--repo', 'https://charts.example.com', '--version', '1.2.3']);
    assert.deepEqual(upgradeArgs({ ...spec, valuesFiles: [], chart: { kind: 'oci', ref: 'oci://reg.io/charts/app', version: '2.0.0' } }, 'v.yaml').slice(3, 6),
      ['oci://reg.io/charts/app', '--version', '2.0.0']);
  });
  it('adds kube context, create-namespace and extra args', () => {
    const args = upgradeArgs({ ...spec, helm: { timeout: '2m', kubeContext: 'prod', createNamespace: true, extraArgs: ['--atomic'] } }, 'v.yaml');
    assert.ok(args.includes('--create-namespace'));
    assert.deepEqual(args.slice(args.indexOf('--kube-context'), args.indexOf('--kube-context') + 2), ['--kube-context', 'prod']);
    assert.equal(args.at(-1), '--atomic');
  });
});
