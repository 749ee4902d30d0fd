import { describe, it, before } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setupHelm } from '../../scripts/setup-helm.mjs';
import { runCli, repoRoot } from '../helpers/run-cli.js';
import { chunksContaining, loadedFiles } from '../helpers/bundle-chunks.js';
import { ANY_CHART_REPOSITORY, createAnyChart } from '../helpers/any-charts.js';

const base = ['--release', 'productpage', '--repository', 'acr.io/bookinfo/productpage', '--replicas', '2'];
let helm: Record<3 | 4, string>;
let dir: string;

before(async () => {
  helm = await setupHelm();
  dir = mkdtempSync(join(tmpdir(), 'hc-lint-'));
});

describe('helm-canary lint', () => {
  for (const major of [3, 4] as const) {
    it(`passes for the reference chart with helm ${major}, rendering every distinct stage and rollback`, async () => {
      const r = await runCli(['lint', ...base, '--chart', join(repoRoot, 'charts', 'canary-app'), '--helm', helm[major]], { env: { HOME: dir } });
      assert.equal(r.exitCode, 0, r.stderr);
      assert.match(r.stdout, new RegExp(`^ok: config valid; plan seven-stage has 7 stages; 12 distinct stage values rendered with helm v${major}\\.\\d+\\.\\d+.*; helm lint passed$`, 'm'));
    });
  }

  it('names the stages whose values the chart rejects', async () => {
    // A chart that caps the canary at 50 %: the 90 % and 100 % stages and their rollbacks fail.
    const chart = join(dir, 'capped');
    cpSync(join(repoRoot, 'charts', 'canary-app'), chart, { recursive: true });
    const schemaPath = join(chart, 'values.schema.json');
    const schema = JSON.parse(readFileSync(schemaPath, 'utf8'));
    schema.properties.canaryDeployment = { allOf: [{ $ref: '#/definitions/deployment' }, { properties: { weight: { maximum: 50 } } }] };
    writeFileSync(schemaPath, JSON.stringify(schema));
    const r = await runCli(['lint', ...base, '--chart', chart, '--helm', helm[4]], { env: { HOME: dir } });
    assert.equal(r.exitCode, 2, r.stdout);
    assert.match(r.stderr, /error: lint found 2 problems/); // one per distinct helm message (got 90 / got 100)
    assert.match(r.stderr, /the chart does not render the values of stage 3, apply 1 \(traffic 90\/10 -> 10\/90\):\n.*\n[\s\S]*got 90, want 50/);
    assert.match(r.stderr, /the chart does not render the values of stage 4, apply 1 \(traffic 10\/90 -> 0\/100\); stage 5, apply 1/);
    assert.doesNotMatch(r.stderr, /stage 2, apply 2/, 'the 10 % stage renders');
    assert.match(r.stderr, /canaryDeployment\/weight/);
  });

  it('prints the same as a document with -o json (values mode: no overlay)', async () => {
    const r = await runCli(['lint', ...base, '--chart', join(repoRoot, 'charts', 'canary-app'), '--helm', helm[3], '--steps', '100', '-o', 'json'], { env: { HOME: dir } });
    assert.equal(r.exitCode, 0, r.stderr);
    const report = JSON.parse(r.stdout);
    assert.deepEqual({ ...report, helm: undefined }, { ok: true, mode: 'values', plan: 'custom', stages: 5, renderedValues: 10, helm: undefined, helmLint: 'passed' });
    assert.match(report.helm, /^v3\./);
  });

  it("in overlay mode says the chart's HPA owns production's replicas and its PDB counts production's pods only", async () => {
    // helm create's chart with autoscaling on (no replicas in the Deployment) and a PDB on its selector.
    const chart = await createAnyChart('autoscaled', 3);
    try {
      const config = join(dir, 'autoscaled.canary.yaml');
      writeFileSync(config, JSON.stringify({ release: 'shop', chart: chart.dir, valuesFiles: [await chart.writeValues('shop')], image: { repository: ANY_CHART_REPOSITORY }, replicas: 2, plan: { steps: [{ weight: 100 }] }, mode: 'overlay' }));
      const r = await runCli(['lint', '-f', config, '--helm', helm[3]], { env: { HOME: dir } });
      assert.equal(r.exitCode, 0, r.stderr);
      const { horizontalPodAutoscaler, podDisruptionBudget } = chart.objects('shop');
      assert.match(r.stdout, new RegExp(`^  autoscaling: +HorizontalPodAutoscaler "${horizontalPodAutoscaler}" \\(owns production's replicas: helm-canary leaves them to it\\)$`, 'm'));
      assert.match(r.stdout, new RegExp(`^  disruption: +PodDisruptionBudget "${podDisruptionBudget}" \\(counts production's pods only\\)$`, 'm'));
      assert.doesNotMatch(r.stdout, /warning:/);
    } finally {
      await chart.remove();
    }
  });

  it('does not load the Kubernetes client', async () => {
    const r = await runCli(['lint', ...base, '--chart', join(repoRoot, 'charts', 'canary-app'), '--helm', helm[4]], {
      env: { HOME: dir },
      nodeArgs: ['--import', join(repoRoot, 'test', 'fixtures', 'cli', 'trace-imports.mjs')],
    });
    assert.equal(r.exitCode, 0, r.stderr);
    const client = chunksContaining('node_modules/@kubernetes/client-node/');
    assert.ok(loadedFiles(r.stderr).includes('helm-canary.mjs'));
    assert.deepEqual(loadedFiles(r.stderr).filter((f) => client.includes(f)), []);
  });
});
