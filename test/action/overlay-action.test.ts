// The composite GitHub Action (action.yml) in overlay mode (issue 13), run as a runner runs it
// (composite-runner.ts) from a checkout of a release tag: GITHUB_ACTION_PATH holds the tag's tree
// (dist/ and plugins/, no node_modules) and PATH has node but no npm. helm-canary runs from there,
// so helm must find the overlay post-renderer there too (helm 3: the launcher running that
// bundle; helm 4: the postrenderer/v1 plugin of that tree). `helm create`'s chart, used as it is,
// against the simulated cluster: deploy, start and rollback, each one action run.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, symlinkSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { createAnyChart, type AnyChart } from '../helpers/any-charts.js';
import { givenCluster, stageShape, type Env, type HelmMajor } from '../helpers/e2e.js';
import { releasedRepo, watchedNodeEnv, type Released } from '../release/source-repo.js';
import { runAction, type ActionRun } from './composite-runner.js';

const RELEASE = 'web';

let released: Released;
let actionPath: string;

before(() => {
  released = releasedRepo();
  actionPath = join(released.work, 'action-at-v0');
  mkdirSync(actionPath);
  execFileSync('sh', ['-c', `git archive v0 | tar -x -C "${actionPath}"`], { cwd: released.repo.dir });
  assert.ok(existsSync(join(actionPath, 'plugins', 'helm-canary-overlay', 'plugin.yaml')), 'the release tag carries the helm 4 plugin');
  assert.equal(existsSync(join(actionPath, 'node_modules')), false);
});
after(() => released?.repo.cleanup());

function log(run: ActionRun): string {
  return run.steps.map((s) => s.log).join('\n');
}

function actionOverlay(major: HelmMajor): void {
  describe(`helm ${major}: the action on an overlay release`, { concurrency: false }, () => {
    let env: Env;
    let chart: AnyChart;
    let runs = 0;
    const action = async (inputs: Record<string, string>) => {
      const runnerTemp = join(released.work, `runner-temp-${major}-${runs++}`);
      mkdirSync(runnerTemp);
      // The job's environment only (the runner passes nothing else): node without npm on PATH, and
      // helm on PATH as azure/setup-helm leaves it, no HELM_BIN.
      const { HELM_BIN, ...jobEnv } = env.env;
      const helmDir = join(released.work, `helm-${major}-bin`);
      if (!existsSync(helmDir)) {
        mkdirSync(helmDir);
        symlinkSync(HELM_BIN!, join(helmDir, 'helm'));
      }
      const run = await runAction({ actionPath, inputs, cwd: env.dir, env: { ...watchedNodeEnv(), ...jobEnv, PATH: [helmDir, released.PATH].join(delimiter) }, runnerTemp });
      assert.equal(run.result, 'success', log(run));
      return run;
    };

    before(async () => {
      chart = await createAnyChart('scaffold', major, { name: RELEASE });
      const objects = chart.objects(RELEASE);
      env = await givenCluster(major, {
        release: RELEASE,
        objects: { production: objects.deployment, canary: `${objects.deployment}-canary`, virtualService: objects.service },
        config: { chart: chart.dir, valuesFiles: [await chart.writeValues(RELEASE)], mode: 'overlay' },
      });
    });
    after(async () => {
      await env?.stop();
      await chart?.remove();
    });

    it('deploy, start (the canary the overlay adds, outputs set), rollback to stable', async () => {
      await action({ command: 'deploy', 'new-tag': '1.0' });
      assert.equal(stageShape(await env.observe()), 'P 1.0/2/100 C 1.0/0/0');
      const started = await action({ command: 'start', 'new-tag': '2.0' });
      assert.equal(stageShape(await env.observe()), 'P 1.0/2/90 C 2.0/2/10');
      assert.deepEqual(started.outputs, { stage: '2', 'stage-name': 'canary 10 %', 'stable-tag': '1.0', 'new-tag': '2.0', phase: 'in-progress' });
      assert.match(started.summary, /\| canary \| web-canary \| 2\.0 \| 10 \|/);
      // The helm on PATH ran, with the post-renderer of its major, from the action's own tree.
      const ran = log(started);
      if (major === 3) assert.match(ran, /\$ helm upgrade .* --post-renderer \S+\/helm-canary-post-render\.sh\n/);
      else assert.match(ran, new RegExp(`\\$ helm upgrade .* --post-renderer helm-canary-overlay --post-renderer-args=\\S+ --post-renderer-args=${actionPath.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}/dist/bin/helm-canary\\.mjs `));
      const canary = await env.get('deployment', `${chart.objects(RELEASE).deployment}-canary`);
      assert.equal(canary.metadata.annotations['helm-canary.io/generated'], 'true', 'the overlay made the canary');
      const rolledBack = await action({ command: 'rollback' });
      assert.equal(stageShape(await env.observe()), 'P 1.0/2/100 C 1.0/0/0');
      assert.equal(rolledBack.outputs.phase, 'rolled-back');
    });
  });
}

describe('GitHub Action in overlay mode', { concurrency: true }, () => {
  actionOverlay(4);
  actionOverlay(3);
});
