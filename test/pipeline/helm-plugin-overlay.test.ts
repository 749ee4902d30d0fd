// The Helm plugin (`helm canary ...`, installed from this built checkout's path) in overlay mode
// (issue 13), with real helm 3 and helm 4 against the simulated cluster: helm runs the plugin with
// its own HELM_PLUGINS (the user's plugins, `canary` among them), and helm-canary, run from the
// plugin's directory, must still find its overlay post-renderer (helm 3: the launcher; helm 4:
// the postrenderer/v1 plugin linked into a HELM_PLUGINS of its own that keeps the user's). The
// chart is `helm create`'s, used as it is: lint, deploy, start, promote, rollback
// (the full run of stages is test/e2e/overlay-rollout.test.ts's; here it is where helm-canary runs from).
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { execa } from 'execa';
import { createAnyChart, type AnyChart } from '../helpers/any-charts.js';
import { givenCluster, stageShape, type Env, type HelmMajor } from '../helpers/e2e.js';
import { repoRoot } from '../helpers/run-cli.js';

const RELEASE = 'web';

function pluginOverlay(major: HelmMajor): void {
  describe(`helm ${major}: helm canary on an overlay release`, { concurrency: false }, () => {
    let env: Env;
    let chart: AnyChart;
    // helm with the test's homes and cluster; `-n` as a user gives it, so HELM_NAMESPACE agrees with canary.yaml.
    const helm = (args: string[]) =>
      execa(env.env.HELM_BIN!, args, { cwd: env.dir, env: { ...env.env, HELM_PLUGINS: join(env.env.HELM_DATA_HOME!, 'plugins') }, extendEnv: true, reject: false, stdin: 'ignore', all: true });
    const canary = async (args: string[]) => {
      const r = await helm(['canary', '-n', env.namespace, ...args]);
      assert.equal(r.exitCode, 0, `helm canary ${args.join(' ')}:\n${r.all}`);
      return r.stdout;
    };

    before(async () => {
      chart = await createAnyChart('scaffold', major, { name: RELEASE });
      const objects = chart.objects(RELEASE);
      env = await givenCluster(major, {
        release: RELEASE,
        objects: { production: objects.deployment, canary: `${objects.deployment}-canary`, virtualService: objects.service },
        config: { chart: chart.dir, valuesFiles: [await chart.writeValues(RELEASE)], mode: 'overlay' },
      });
      // Helm 4 installs into $HELM_DATA_HOME/plugins whatever HELM_PLUGINS says, so both point there.
      const installed = await helm(['plugin', 'install', repoRoot]);
      assert.equal(installed.exitCode, 0, installed.all);
    });
    after(async () => {
      await env?.stop();
      await chart?.remove();
    });

    it('lint, deploy, start, promote, rollback: the chart canaried by the overlay, and back to stable', async () => {
      // lint renders every stage's values with helm template through the post-renderer.
      const lint = await canary(['lint']);
      assert.match(lint, new RegExp(`rendered with helm v${major}\\.\\S+ through helm-canary's overlay post-renderer; helm lint passed`));
      await canary(['deploy', '--tag', '1.0', '--yes']);
      assert.equal(stageShape(await env.observe()), 'P 1.0/2/100 C 1.0/0/0');
      await canary(['start', '--new-tag', '2.0', '--yes']);
      assert.equal(stageShape(await env.observe()), 'P 1.0/2/90 C 2.0/2/10');
      const canaryDeployment = await env.get('deployment', `${chart.objects(RELEASE).deployment}-canary`);
      assert.equal(canaryDeployment.metadata.annotations['helm-canary.io/generated'], 'true', 'the overlay made the canary');
      await canary(['promote', '--yes']);
      assert.equal(stageShape(await env.observe()), 'P 1.0/2/10 C 2.0/2/90');
      await canary(['rollback', '--yes']);
      assert.equal(stageShape(await env.observe()), 'P 1.0/2/100 C 1.0/0/0');
      const status = JSON.parse(await canary(['status', '-o', 'json']));
      assert.equal(status.phase, 'rolled-back');
      assert.equal(status.stableTag, '1.0');
    });
  });
}

describe('helm plugin in overlay mode', { concurrency: true }, () => {
  pluginOverlay(4);
  pluginOverlay(3);
});
