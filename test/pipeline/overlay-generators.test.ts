// `helm-canary pipeline azure|github` for an overlay config (issue 13): helm create's chart, used
// as it is, with `mode: overlay`. The Azure pipeline (both variants) conforms to the project's
// schema and GitHub parses the workflow, as for values mode; and each is the very pipeline values
// mode generates for the same release: the jobs install the package from npm, which carries the
// overlay post-renderer (test/pipeline/overlay-github-e2e.test.ts runs such an install), so a team
// switching its config to overlay mode keeps the pipeline it committed.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse, stringify } from 'yaml';
import { createAnyChart, ANY_CHART_REPOSITORY, type AnyChart } from '../helpers/any-charts.js';
import { runCli } from '../helpers/run-cli.js';
import { azureProblems, parseGithubWorkflow } from './validate.js';

const PINNED = ['--tool-version', '0.1.0', '--helm-version', '4.1.4'];
const RELEASE = 'web';

let dir: string;
let chart: AnyChart;

// Writes canary.yaml (overlay mode, or values mode for the same release) and returns its name.
function writeConfig(mode: 'overlay' | 'values', valuesFile: string): string {
  const name = `${mode}.canary.yaml`;
  writeFileSync(join(dir, name), stringify({ release: RELEASE, namespace: 'shop', chart: chart.dir, valuesFiles: [valuesFile], image: { repository: ANY_CHART_REPOSITORY }, replicas: 2, mode }));
  return name;
}

// The pipeline with the config file's name taken out: the one line that differs by construction.
function sameBut(text: string, config: string): string {
  return text.replaceAll(config, '<config>');
}

let overlay: string;
let values: string;

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'hc-overlay-pipeline-'));
  chart = await createAnyChart('scaffold', 4, { name: RELEASE });
  const valuesFile = await chart.writeValues(RELEASE);
  overlay = writeConfig('overlay', valuesFile);
  values = writeConfig('values', valuesFile);
});
after(async () => {
  await chart?.remove();
  rmSync(dir, { recursive: true, force: true });
});

describe('pipeline generators for an overlay config', () => {
  for (const variant of ['environment', 'manual-validation'] as const) {
    it(`azure (${variant}): conforms to the schema, a stage per move and a rollback stage, as values mode's`, async () => {
      const r = await runCli(['pipeline', 'azure', '-f', overlay, '--variant', variant, ...PINNED], { cwd: dir });
      assert.equal(r.exitCode, 0, r.stderr);
      assert.deepEqual(azureProblems(r.stdout), []);
      const doc = parse(r.stdout);
      const ids = [2, 3, 4, 5, 6, 7].map((n) => `stage_${n}`);
      assert.deepEqual(doc.stages.map((s: { stage: string }) => s.stage), [...ids, 'rollback']);
      assert.match(r.stdout, /helm-canary start -f overlay\.canary\.yaml --new-tag "\$NEW_TAG" --yes/);
      assert.match(r.stdout, /helm-canary rollback -f overlay\.canary\.yaml --yes/);
      assert.match(r.stdout, /npm install --global .*helm-canary@\$\(HELM_CANARY_VERSION\)/);
      const valuesMode = await runCli(['pipeline', 'azure', '-f', values, '--variant', variant, ...PINNED], { cwd: dir });
      assert.equal(valuesMode.exitCode, 0, valuesMode.stderr);
      assert.equal(sameBut(r.stdout, overlay), sameBut(valuesMode.stdout, values));
    });
  }

  it('github: workflows GitHub parses, as values mode\'s', async () => {
    const write = async (config: string) => {
      const out = join(dir, `${config}.yml`);
      const r = await runCli(['pipeline', 'github', '-f', config, '--out', out, ...PINNED], { cwd: dir });
      assert.equal(r.exitCode, 0, r.stderr);
      return { release: readFileSync(out, 'utf8'), rollback: readFileSync(join(dir, `${config}-rollback.yml`), 'utf8') };
    };
    const fromOverlay = await write(overlay);
    assert.deepEqual((await parseGithubWorkflow('release.yml', fromOverlay.release)).errors, []);
    assert.deepEqual((await parseGithubWorkflow('rollback.yml', fromOverlay.rollback)).errors, []);
    const fromValues = await write(values);
    assert.equal(sameBut(fromOverlay.release, overlay), sameBut(fromValues.release, values));
    assert.equal(sameBut(fromOverlay.rollback, overlay), sameBut(fromValues.rollback, values));
  });
});
