// End to end in overlay mode (issue 13): the generated GitHub workflow for a chart `helm create`
// made, used as it is, its stage jobs' commands run in order against the simulated cluster with
// real helm. The jobs run helm-canary as the workflow installs it (`npm install --global`: the
// packed checkout installed into a throwaway prefix) with helm on PATH as azure/setup-helm leaves
// it, so helm finds the overlay post-renderer in the installed package, not in this checkout.
// Helm 4 (its postrenderer/v1 plugin): a clean run ends at the new stable, and the dispatchable
// rollback workflow undoes a rollout in progress. Helm 3 (the launcher): the rollback workflow
// undoes a rollout the installed CLI started. The release workflow's own rollback job after a
// failed stage is test/pipeline/github-e2e.test.ts's; here it would double this file's time.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, realpathSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { execa } from 'execa';
import { createAnyChart, type AnyChart } from '../helpers/any-charts.js';
import { givenCluster, stageShape, type Env, type HelmMajor } from '../helpers/e2e.js';
import { runCli } from '../helpers/run-cli.js';
import { installGlobal, pack } from '../package/installed-package.js';
import { runWorkflow, type JobRun } from './github-run.js';

const RELEASE = 'web';
const STAGE_JOBS = ['stage-2', 'stage-3', 'stage-4', 'stage-5', 'stage-6', 'stage-7'];

function results(runs: JobRun[]): Record<string, string> {
  return Object.fromEntries(runs.map((r) => [r.id, r.result]));
}

function explain(runs: JobRun[]): string {
  return runs.flatMap((r) => r.steps.filter((s) => s.exitCode !== 0).map((s) => `${r.id}: ${s.run} -> ${s.exitCode}\n${s.output}`)).join('\n');
}

let installDir: string;
let installed: string;
let packageBundle: string;

before(async () => {
  // A space in the install path, as npm's global prefix has on Windows ("C:\Program Files\nodejs"):
  // the bundle's path must reach helm's post-renderer as one argument.
  installDir = mkdtempSync(join(tmpdir(), 'hc overlay npm-'));
  const { packageDir } = await installGlobal((await pack(installDir)).tarball, join(installDir, 'prefix'));
  installed = join(installDir, 'prefix', 'bin', 'helm-canary');
  packageBundle = realpathSync(join(packageDir, 'dist', 'bin', 'helm-canary.mjs'));
  assert.equal(realpathSync(installed), packageBundle, 'the bin npm linked is the installed bundle');
});
after(() => {
  if (installDir) rmSync(installDir, { recursive: true, force: true });
});

// jobEnvOf is a job's environment: helm on PATH as azure/setup-helm leaves it, no HELM_BIN.
function jobEnvOf(env: Env, major: HelmMajor): Record<string, string> {
  const { HELM_BIN, ...rest } = env.env;
  const helmDir = join(installDir, `helm-${major}-bin`);
  mkdirSync(helmDir);
  symlinkSync(HELM_BIN!, join(helmDir, 'helm'));
  return { ...rest, PATH: [helmDir, process.env.PATH].join(delimiter) };
}

// givenOverlayRelease deploys helm create's chart at 1.0 in overlay mode and generates the workflows.
async function givenOverlayRelease(major: HelmMajor): Promise<{ env: Env; chart: AnyChart; release: string; rollback: string }> {
  const chart = await createAnyChart('scaffold', major, { name: RELEASE });
  const objects = chart.objects(RELEASE);
  const env = await givenCluster(major, {
    release: RELEASE,
    objects: { production: objects.deployment, canary: `${objects.deployment}-canary`, virtualService: objects.service },
    config: { chart: chart.dir, valuesFiles: [await chart.writeValues(RELEASE)], mode: 'overlay', helm: { timeout: '5s' } },
  });
  env.env.HELM_CANARY_VERIFY_TIMEOUT_MS = '3000';
  const deployed = await runCli(['deploy', '--tag', '1.0'], { cwd: env.dir, env: env.env });
  assert.equal(deployed.exitCode, 0, deployed.stderr);
  assert.equal(stageShape(await env.observe()), 'P 1.0/2/100 C 1.0/0/0');
  const dir = join(env.dir, '.github', 'workflows');
  mkdirSync(dir, { recursive: true });
  // No --helm-version: the jobs pin the helm this machine runs ($HELM_BIN).
  const generated = await runCli(['pipeline', 'github', '--out', join(dir, 'canary.yml')], { cwd: env.dir, env: env.env });
  assert.equal(generated.exitCode, 0, generated.stderr);
  const release = readFileSync(join(dir, 'canary.yml'), 'utf8');
  assert.match(release, /npm install --global .*"helm-canary@\$\{HELM_CANARY_VERSION\}"/, 'the jobs install the package from npm');
  assert.match(release, new RegExp(`uses: azure/setup-helm@v5\\n\\s+with:\\n\\s+version: v${major}\\.`), `the jobs set up helm ${major}`);
  return { env, chart, release, rollback: readFileSync(join(dir, 'canary-rollback.yml'), 'utf8') };
}

describe('generated GitHub workflow in overlay mode against the simulated cluster (npm-installed helm-canary)', { concurrency: true }, () => {
  describe('helm 4: the release workflow and the rollback workflow', { concurrency: false }, () => {
    let env: Env;
    let chart: AnyChart;
    let release: string;
    let rollback: string;
    // A job's environment: helm on PATH as azure/setup-helm leaves it, no HELM_BIN.
    let jobEnv: Record<string, string>;

    before(async () => {
      ({ env, chart, release, rollback } = await givenOverlayRelease(4));
      jobEnv = jobEnvOf(env, 4);
    });
    after(async () => {
      await env?.stop();
      await chart?.remove();
    });

    it('runs every stage job in order to the new stable, the canary made by the installed post-renderer', async () => {
      const runs = await runWorkflow(release, { cwd: env.dir, env: jobEnv, inputs: { 'new-tag': '2.0' }, cliPath: installed });
      assert.deepEqual(results(runs), { ...Object.fromEntries(STAGE_JOBS.map((id) => [id, 'success'])), rollback: 'skipped' }, explain(runs));
      assert.equal(stageShape(await env.observe()), 'P 2.0/2/100 C 2.0/0/0');
      assert.equal((await env.observe()).record!.phase, 'completed');
      const stage3 = runs.find((r) => r.id === 'stage-3')!;
      assert.deepEqual(
        { stage: stage3.outputs.stage, stable_tag: stage3.outputs.stable_tag, new_tag: stage3.outputs.new_tag, phase: stage3.outputs.phase },
        { stage: '3', stable_tag: '1.0', new_tag: '2.0', phase: 'in-progress' },
      );
      // The summary names the chart's own Deployment and the generated canary beside it.
      assert.match(stage3.summary, /\| production \| web \| 1\.0 \| 10 \| 2\/2 \|/);
      assert.match(stage3.summary, /\| canary \| web-canary \| 2\.0 \| 90 \| 2\/2 \|/);
      // helm 4 ran the installed package's bundle through the post-renderer plugin.
      assert.ok(stage3.steps[0]!.output.includes(`--post-renderer helm-canary-overlay --post-renderer-args=`), stage3.steps[0]!.output);
      assert.ok(stage3.steps[0]!.output.includes(`--post-renderer-args=${packageBundle}`), stage3.steps[0]!.output);
      const canary = await env.get('deployment', 'web-canary');
      assert.equal(canary.metadata.annotations['helm-canary.io/generated'], 'true');
      assert.equal(canary.metadata.annotations['meta.helm.sh/release-name'], RELEASE, 'helm owns the generated canary');
    });

    it('the dispatchable rollback workflow undoes a rollout in progress', async () => {
      const started = await runCli(['start', '--new-tag', '4.0'], { cwd: env.dir, env: env.env });
      assert.equal(started.exitCode, 0, started.stderr);
      assert.equal(stageShape(await env.observe()), 'P 2.0/2/90 C 4.0/2/10');
      const runs = await runWorkflow(rollback, { cwd: env.dir, env: jobEnv, inputs: {}, cliPath: installed });
      assert.deepEqual(results(runs), { rollback: 'success' }, explain(runs));
      assert.equal(stageShape(await env.observe()), 'P 2.0/2/100 C 2.0/0/0');
      assert.equal(runs[0]!.outputs.phase, 'rolled-back');
    });
  });

  describe('helm 3: the rollback workflow (helm 3 runs the installed bundle through its launcher)', { concurrency: false }, () => {
    let env: Env;
    let chart: AnyChart;
    let rollback: string;
    let jobEnv: Record<string, string>;
    before(async () => {
      ({ env, chart, rollback } = await givenOverlayRelease(3));
      jobEnv = jobEnvOf(env, 3);
    });
    after(async () => {
      await env?.stop();
      await chart?.remove();
    });

    it('start by the installed CLI, then the dispatchable rollback workflow back to stable', async () => {
      const started = await execa('node', [installed, 'start', '--new-tag', '2.0', '--yes'], { cwd: env.dir, env: jobEnv, extendEnv: true, reject: false, all: true, stdin: 'ignore' });
      assert.equal(started.exitCode, 0, started.all);
      assert.equal(stageShape(await env.observe()), 'P 1.0/2/90 C 2.0/2/10');
      const runs = await runWorkflow(rollback, { cwd: env.dir, env: jobEnv, inputs: {}, cliPath: installed });
      assert.deepEqual(results(runs), { rollback: 'success' }, explain(runs));
      assert.equal(stageShape(await env.observe()), 'P 1.0/2/100 C 1.0/0/0');
      assert.equal(runs[0]!.outputs.phase, 'rolled-back');
      // helm 3 ran the launcher helm-canary wrote (a job's log shows helm's argv).
      assert.match(runs[0]!.steps[0]!.output, /\$ helm upgrade .* --post-renderer \S+\/helm-canary-post-render\.sh\n/);
    });
  });
});
