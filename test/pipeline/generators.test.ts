// Golden tests of `helm-canary pipeline github|azure` for the seven-stage and an eight-stage
// plan, run through the built CLI. Each output is checked against GitHub's own workflow parser or
// the project's Azure schema, then compared with test/fixtures/pipeline/*. UPDATE_GOLDEN=1
// rewrites the goldens (review the diff before committing).
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { runCli, repoRoot } from '../helpers/run-cli.js';
import { azureProblems, parseGithubWorkflow } from './validate.js';

const fixtures = join(repoRoot, 'test', 'fixtures', 'pipeline');
const update = process.env.UPDATE_GOLDEN === '1';
const PINNED = ['--tool-version', '0.1.0', '--helm-version', '3.17.2'];

function golden(name: string, actual: string): void {
  const path = join(fixtures, name);
  if (update || !existsSync(path)) {
    writeFileSync(path, actual);
    return;
  }
  assert.equal(actual, readFileSync(path, 'utf8'), `${name} differs from its golden; rerun with UPDATE_GOLDEN=1 if the change is intended`);
}

const PLANS = [
  { label: 'seven-stage', config: 'canary.yaml', prefix: 'seven', release: 'productpage', stages: [2, 3, 4, 5, 6, 7] },
  { label: 'eight-stage (5, 25, 50, 100)', config: 'gradual.canary.yaml', prefix: 'eight', release: 'reviews', stages: [2, 3, 4, 5, 6, 7, 8] },
];

let out: string;
before(() => {
  out = mkdtempSync(join(tmpdir(), 'hc-pipeline-'));
});
after(() => rmSync(out, { recursive: true, force: true }));

for (const plan of PLANS) {
  describe(`pipeline generators, ${plan.label} plan`, () => {
    it('github: a release workflow GitHub parses, with a job per stage in order and a rollback job, and a rollback workflow', async () => {
      const file = join(out, `${plan.prefix}.yml`);
      const r = await runCli(['pipeline', 'github', '-f', plan.config, '--out', file, ...PINNED], { cwd: fixtures });
      assert.equal(r.exitCode, 0, r.stderr);
      const release = readFileSync(file, 'utf8');
      const rollback = readFileSync(join(out, `${plan.prefix}-rollback.yml`), 'utf8');

      const parsed = await parseGithubWorkflow('release.yml', release);
      assert.deepEqual(parsed.errors, []);
      const jobs = parsed.template!.jobs as any[];
      const ids = plan.stages.map((n) => `stage-${n}`);
      assert.deepEqual(jobs.map((j) => j.id.value), [...ids, 'rollback']);
      // each stage job needs the one before, and is bound to the environment that holds the approvals
      jobs.slice(1, -1).forEach((job, i) => assert.deepEqual(job.needs.map((t: any) => t.value), [ids[i]]));
      for (const job of jobs.slice(0, -1)) assert.equal(job.environment.value, `canary-${plan.release}`);
      const rollbackJob = jobs.at(-1);
      assert.deepEqual(rollbackJob.needs.map((t: any) => t.value), ids);
      assert.match(rollbackJob.if.expr, /always\(\) && \(contains\(needs\.\*\.result, 'failure'\) \|\| contains\(needs\.\*\.result, 'cancelled'\)\)/);

      const doc = parse(release);
      assert.deepEqual(Object.keys(doc.on), ['workflow_dispatch']);
      assert.equal(doc.on.workflow_dispatch.inputs['new-tag'].required, true);
      const commands = ids.map((id) => doc.jobs[id].steps.find((s: any) => s.id === 'canary').run);
      assert.equal(commands[0], `helm-canary start -f ${plan.config} --new-tag "$NEW_TAG" --yes`);
      commands.slice(1).forEach((c: string, i: number) => assert.equal(c, `helm-canary promote -f ${plan.config} --to ${plan.stages[i + 1]} --yes`));
      assert.equal(doc.jobs['stage-2'].steps.find((s: any) => s.id === 'canary').env.NEW_TAG, '${{ inputs.new-tag }}');

      const parsedRollback = await parseGithubWorkflow('rollback.yml', rollback);
      assert.deepEqual(parsedRollback.errors, []);
      assert.deepEqual((parsedRollback.template!.jobs as any[]).map((j) => j.id.value), ['rollback']);
      assert.ok(parse(rollback).on.workflow_dispatch !== undefined);

      golden(`github-${plan.prefix}.yml`, release);
      golden(`github-${plan.prefix}-rollback.yml`, rollback);
    });

    for (const variant of ['environment', 'manual-validation'] as const) {
      it(`azure (${variant}): conforms to the schema, a stage per move in order and a rollback stage on failure`, async () => {
        const r = await runCli(['pipeline', 'azure', '-f', plan.config, '--variant', variant, ...PINNED], { cwd: fixtures });
        assert.equal(r.exitCode, 0, r.stderr);
        assert.deepEqual(azureProblems(r.stdout), []);
        const doc = parse(r.stdout);
        assert.deepEqual(doc.parameters.map((p: any) => p.name), ['newTag']);
        const ids = plan.stages.map((n) => `stage_${n}`);
        assert.deepEqual(doc.stages.map((s: any) => s.stage), [...ids, 'rollback']);
        doc.stages.slice(1, -1).forEach((s: any, i: number) => assert.equal(s.dependsOn, ids[i]));
        const rollback = doc.stages.at(-1);
        assert.equal(rollback.condition, 'or(failed(), canceled())');
        assert.deepEqual(rollback.dependsOn, ids);
        for (const stage of doc.stages.slice(0, -1)) {
          if (variant === 'environment') {
            assert.equal(stage.jobs.length, 1);
            assert.equal(stage.jobs[0].environment, `canary-${plan.release}`);
          } else {
            assert.deepEqual(stage.jobs.map((j: any) => j.job), ['judge', 'move']);
            assert.equal(stage.jobs[0].pool, 'server');
            assert.equal(stage.jobs[0].steps[0].task, 'ManualValidation@1');
            assert.equal(stage.jobs[1].dependsOn, 'judge');
          }
        }
        golden(`azure-${plan.prefix}-${variant}.yml`, r.stdout);
      });
    }
  });
}

describe('pipeline command input', () => {
  it('refuses to generate without a config file to commit (exit 2, nothing written)', async () => {
    const empty = mkdtempSync(join(tmpdir(), 'hc-pipeline-empty-'));
    try {
      const r = await runCli(['pipeline', 'github', '--out', join(empty, 'w.yml')], { cwd: empty });
      assert.equal(r.exitCode, 2);
      assert.match(r.stderr, /needs a config file/);
      assert.equal(existsSync(join(empty, 'w.yml')), false);
    } finally {
      rmSync(empty, { recursive: true, force: true });
    }
  });

  it('refuses a flag value with a line break, which would inject YAML into the pipeline (exit 2, nothing written)', async () => {
    const out = join(mkdtempSync(join(tmpdir(), 'hc-pipeline-inject-')), 'w.yml');
    for (const [kind, flag] of [['github', '--environment'], ['github', '--runs-on'], ['azure', '--rollback-environment'], ['azure', '--vm-image']] as const) {
      const r = await runCli(['pipeline', kind, '-f', 'canary.yaml', '--out', out, flag, 'prod\n  runs-on: x'], { cwd: fixtures });
      assert.equal(r.exitCode, 2, `${kind} ${flag}: ${r.stderr}`);
      assert.match(r.stderr, new RegExp(`${flag}: contains a line break`));
      assert.equal(existsSync(out), false);
    }
  });

  it('lists every problem of a bad config (exit 2)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'hc-pipeline-bad-'));
    try {
      writeFileSync(join(dir, 'canary.yaml'), 'release: Bad_Name\nnamespace: x\nchart: ./missing\nimage: {repository: acr.io/x}\nreplicas: 2\n');
      const r = await runCli(['pipeline', 'azure'], { cwd: dir });
      assert.equal(r.exitCode, 2);
      assert.match(r.stderr, /release: must be a valid Kubernetes name/);
      assert.match(r.stderr, /chart: .*missing does not exist/);
      assert.equal(r.stdout, '');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
