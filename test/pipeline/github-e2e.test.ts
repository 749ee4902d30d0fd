// End to end: the generated GitHub workflow, its stage jobs' commands run in order against the
// simulated cluster with real helm 4 (approvals taken as given). A clean run ends at the new
// stable; a run whose stage 5 cannot get ready pods fails there, and its rollback job returns the
// cluster to the old stable. Then the dispatchable rollback workflow undoes a rollout in progress.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { givenCluster, stageShape, REPOSITORY, type Env } from '../helpers/e2e.js';
import { runCli } from '../helpers/run-cli.js';
import { runWorkflow, type JobRun } from './github-run.js';

const STAGE_JOBS = ['stage-2', 'stage-3', 'stage-4', 'stage-5', 'stage-6', 'stage-7'];

function results(runs: JobRun[]): Record<string, string> {
  return Object.fromEntries(runs.map((r) => [r.id, r.result]));
}

function explain(runs: JobRun[]): string {
  return runs.flatMap((r) => r.steps.filter((s) => s.exitCode !== 0).map((s) => `${r.id}: ${s.run} -> ${s.exitCode}\n${s.output}`)).join('\n');
}

describe('generated GitHub workflow against the simulated cluster (helm 4)', () => {
  let env: Env;
  let release: string;
  let rollback: string;

  before(async () => {
    env = await givenCluster(4, { config: { helm: { timeout: '5s' } } });
    env.env.HELM_CANARY_VERIFY_TIMEOUT_MS = '3000';
    const deployed = await env.cli(['deploy', '--tag', '1.0']);
    assert.equal(deployed.exitCode, 0, deployed.stderr);
    const dir = join(env.dir, '.github', 'workflows');
    mkdirSync(dir, { recursive: true });
    // No --helm-version: the jobs pin the helm this machine runs ($HELM_BIN, helm 4 here).
    const generated = await runCli(['pipeline', 'github', '--out', join(dir, 'canary.yml')], { cwd: env.dir, env: env.env });
    assert.equal(generated.exitCode, 0, generated.stderr);
    release = readFileSync(join(dir, 'canary.yml'), 'utf8');
    assert.match(release, /uses: azure\/setup-helm@v5\n\s+with:\n\s+version: v4\.1\.4\n/);
    rollback = readFileSync(join(dir, 'canary-rollback.yml'), 'utf8');
  });
  after(() => env.stop());

  it('runs every stage job in order to the new stable; the rollback job is skipped', async () => {
    const runs = await runWorkflow(release, { cwd: env.dir, env: env.env, inputs: { 'new-tag': '2.0' } });
    assert.deepEqual(results(runs), { ...Object.fromEntries(STAGE_JOBS.map((id) => [id, 'success'])), rollback: 'skipped' }, explain(runs));
    assert.equal(stageShape(await env.observe()), 'P 2.0/2/100 C 2.0/0/0');
    assert.equal((await env.observe()).record!.phase, 'completed');
    // each job published where it left the release, for later steps and the summary page
    const stage3 = runs.find((r) => r.id === 'stage-3')!;
    assert.deepEqual(
      { stage: stage3.outputs.stage, stage_name: stage3.outputs.stage_name, stable_tag: stage3.outputs.stable_tag, new_tag: stage3.outputs.new_tag, phase: stage3.outputs.phase },
      { stage: '3', stage_name: 'canary 90 %', stable_tag: '1.0', new_tag: '2.0', phase: 'in-progress' },
    );
    assert.equal(runs.find((r) => r.id === 'stage-7')!.outputs.phase, 'completed');
    assert.match(stage3.summary, /stage 3 of 7 \(canary 90 %\)/);
    assert.match(stage3.summary, /\| production \| productpage-production \| 1\.0 \| 10 \| 2\/2 \|/);
    assert.match(stage3.summary, /\| canary \| productpage-canary \| 2\.0 \| 90 \| 2\/2 \|/);
  });

  it('after a forced failure at stage 5, runs the rollback job and ends back at the old stable', async () => {
    const runs = await runWorkflow(release, {
      cwd: env.dir,
      env: env.env,
      inputs: { 'new-tag': '3.0' },
      // New production pods of 3.0 never become ready, so stage 5's helm --wait times out.
      beforeJob: (id) => id === 'stage-5' && env.sim!.faults.setImageBehaviour(`${REPOSITORY}:3.0`, 'never-ready'),
    });
    assert.deepEqual(results(runs), {
      'stage-2': 'success', 'stage-3': 'success', 'stage-4': 'success', 'stage-5': 'failure',
      'stage-6': 'skipped', 'stage-7': 'skipped', rollback: 'success',
    }, explain(runs));
    const failedJob = runs.find((r) => r.id === 'stage-5')!;
    assert.equal(failedJob.steps[0]!.exitCode, 1);
    assert.match(failedJob.steps[0]!.output, /^::error title=helm-canary \(exit 1\)::.*stage 5/m);
    assert.equal(failedJob.steps[1]!.run, 'helm-canary status -f canary.yaml', 'the failure() status step ran');
    assert.match(failedJob.summary, /phase `failed`/);
    assert.equal(stageShape(await env.observe()), 'P 2.0/2/100 C 2.0/0/0');
    const status = JSON.parse((await env.cli(['status', '-o', 'json'])).stdout);
    assert.equal(status.phase, 'rolled-back');
    assert.equal(status.stableTag, '2.0');
    assert.equal(status.production.tag, '2.0');
    assert.deepEqual([status.production.weight, status.canary.weight], [100, 0]);
  });

  it('the dispatchable rollback workflow undoes a rollout in progress', async () => {
    const started = await env.cli(['start', '--new-tag', '4.0']);
    assert.equal(started.exitCode, 0, started.stderr);
    const runs = await runWorkflow(rollback, { cwd: env.dir, env: env.env, inputs: {} });
    assert.deepEqual(results(runs), { rollback: 'success' }, explain(runs));
    assert.equal(stageShape(await env.observe()), 'P 2.0/2/100 C 2.0/0/0');
    assert.equal(runs[0]!.outputs.phase, 'rolled-back');
  });
});
