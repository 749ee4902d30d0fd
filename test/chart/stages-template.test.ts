// Every apply of every stage and of every rollback, rendered by the real helm 3 and helm 4 from
// the engine's own argv: proves the engine writes the keys the chart reads, that its argv puts
// the stage values last, and that the chart renders exactly the state the engine meant.
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import {
  DEFAULT_VALUE_PATHS,
  planRollout,
  valuesFileName,
  type Plan,
  type PlannedApply,
  type ReleaseSpec,
} from '../../src/engine/index.js';
import { ExecaHelmRunner, toTemplateArgs } from '../../src/helm/index.js';
import { HELM_MAJORS, helmBinaries, isolatedHelmEnv, repoRoot } from '../helm/helm-env.js';
import { findManifest, parseManifests, virtualServiceWeights } from './manifests.js';

const USER_VALUES = 'test/fixtures/helm/user-values.yaml';

const spec: ReleaseSpec = {
  release: 'productpage',
  namespace: 'bookinfo',
  chart: { kind: 'path', path: 'charts/canary-app' },
  valuesFiles: [USER_VALUES],
  repository: 'myacr.azurecr.io/bookinfo/productpage',
  stableTag: '83',
  newTag: '84',
  replicas: 2,
  valuePaths: DEFAULT_VALUE_PATHS,
  helm: { timeout: '5m', createNamespace: false, extraArgs: [] },
};

const plans: { plan: Plan; stages: number }[] = [
  { plan: { name: 'seven-stage', steps: [{ weight: 10 }, { weight: 90 }, { weight: 100 }], finalStepMustBe100: true, drainSeconds: 0 }, stages: 7 },
  { plan: { name: 'gradual', steps: [{ weight: 5 }, { weight: 25 }, { weight: 50 }, { weight: 100 }], finalStepMustBe100: true, drainSeconds: 0 }, stages: 8 },
];

const tmp = mkdtempSync(join(tmpdir(), 'helm-canary-stages-'));
const isolated = isolatedHelmEnv();
after(() => {
  rmSync(tmp, { recursive: true, force: true });
  isolated.cleanup();
});

// Renders one apply with one helm and checks the manifests against the apply's state.
async function checkApply(helm: ExecaHelmRunner, apply: PlannedApply, label: string): Promise<void> {
  const argv = toTemplateArgs(apply.helm);
  const manifests = parseManifests(await helm.template(argv, { cwd: repoRoot }));
  const where = `${label} (${apply.purpose}), ${helm.binary}`;
  for (const role of ['production', 'canary'] as const) {
    const deployment = findManifest(manifests, 'Deployment', `productpage-${role}`);
    const want = apply.state[role];
    assert.equal(deployment.metadata.namespace, 'bookinfo', where);
    assert.equal(deployment.spec.template.spec.containers[0].image, `${want.repository}:${want.tag}`, `${where}: ${role} image`);
    assert.equal(deployment.spec.replicas, want.replicas, `${where}: ${role} replicas`);
  }
  const vs = findManifest(manifests, 'VirtualService', 'productpage');
  assert.deepEqual(virtualServiceWeights(vs), { production: apply.state.production.weight, canary: apply.state.canary.weight }, `${where}: weights`);
  // The user's values still apply where no stage key overrides them.
  assert.equal(vs.spec.http[0].route[0].destination.port.number, 8080, where);
}

for (const { plan, stages } of plans) {
  describe(`helm template of every apply of the ${plan.name} plan`, async () => {
    const binaries = await helmBinaries();
    const runners = HELM_MAJORS.map((major) => new ExecaHelmRunner({ binary: binaries[major], env: isolated.env }));
    const dir = mkdtempSync(join(tmp, `${plan.name}-`));
    const rollout = planRollout(spec, plan, (ref) => join(dir, valuesFileName(spec.release, ref)));
    const everyApply = [
      ...rollout.stages.flatMap((s) => s.applies),
      ...Object.values(rollout.rollback.from).flat(),
    ];
    for (const apply of everyApply) writeFileSync(apply.valuesFile, stringify(apply.values));

    it(`has ${stages} stages and a rollback from each after the first`, () => {
      assert.equal(rollout.stages.length, stages);
      assert.deepEqual(Object.keys(rollout.rollback.from), rollout.stages.slice(1).map((s) => String(s.number)));
    });

    it('passes the user values first and the stage values last, and nothing that reuses old values', () => {
      for (const apply of everyApply) {
        const files = apply.helm.flatMap((arg, i) => (arg === '--values' ? [apply.helm[i + 1]] : []));
        assert.deepEqual(files, [USER_VALUES, apply.valuesFile]);
        assert.ok(!apply.helm.some((arg) => arg.startsWith('--reuse-values')));
      }
    });

    const check = (applies: PlannedApply[], label: string) =>
      Promise.all(runners.flatMap((helm) => applies.map((apply, i) => checkApply(helm, apply, `${label}, apply ${i + 1}`))));

    for (const stage of rollout.stages) {
      it(`stage ${stage.number} (${stage.name}): every apply renders its state`, async () => {
        assert.ok(stage.applies.length > 0);
        // The last apply of a stage reaches the stage's own values.
        assert.deepEqual(stage.applies.at(-1)!.state, { production: stage.production, canary: stage.canary });
        await check(stage.applies, `stage ${stage.number}`);
      });
    }

    for (const [from, applies] of Object.entries(rollout.rollback.from)) {
      it(`rollback from stage ${from}: every apply renders its state, ending at stage 1`, async () => {
        assert.deepEqual(applies.at(-1)!.state, rollout.stages[0]!.applies.at(-1)!.state);
        await check(applies, `rollback from ${from}`);
      });
    }
  });
}
