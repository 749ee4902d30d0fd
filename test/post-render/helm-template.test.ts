// postRendererInvocation with the real helm 3 and helm 4: `helm template` of helm create's chart,
// with the flags and environment it gives, renders the canary; every path has spaces and a quote;
// on helm 4 the user's own plugins (a getter, in HELM_PLUGINS or in helm's data home) still work
// in the same run; a bad stage makes helm fail with the post-renderer's message.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { chmod, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { delimiter, dirname, join } from 'node:path';
import { postRendererInvocation, readPostRenderFailure, shQuote } from '../../src/helm/post-renderer.js';
import { helmAvailable } from '../sim/helm-env.js';
import { createChart, kindsAndNames, makeHelm, makeWorkspace, objectsOf, STAGE, writeStageValues, type Helm } from './post-render-env.js';

const CANARY_OBJECTS = ['Deployment/rel-web', 'Deployment/rel-web-canary', 'DestinationRule/rel-web', 'VirtualService/rel-web'];

// A getter plugin of the user's, for charts at canarytest://: it prints the packaged chart.
async function writeGetterPlugin(pluginsDir: string, chartTgz: string): Promise<void> {
  const dir = join(pluginsDir, 'canarytest-getter');
  await mkdir(dir, { recursive: true });
  await writeFile(
    join(dir, 'plugin.yaml'),
    'apiVersion: v1\nname: canarytest-getter\ntype: getter/v1\nruntime: subprocess\nversion: 0.1.0\nconfig:\n  protocols: [canarytest]\n' +
      'runtimeConfig:\n  protocolCommands:\n    - protocols: [canarytest]\n      platformCommand:\n        - command: fetch.sh\n',
  );
  await writeFile(join(dir, 'fetch.sh'), `#!/bin/sh\nexec cat ${shQuote(chartTgz)}\n`);
  await chmod(join(dir, 'fetch.sh'), 0o755);
}

for (const version of [3, 4] as const) {
  describe(`helm ${version} template with the overlay post-renderer`, { skip: !helmAvailable() && 'run `npm run helm:setup` first' }, () => {
    let dir: string;
    let helm: Helm;
    let chart: string;
    let values: string;
    let workDir: string;

    before(async () => {
      dir = await makeWorkspace();
      helm = await makeHelm(version, dir);
      chart = await createChart(helm, dir);
      values = await writeStageValues(dir);
      workDir = await mkdtemp(join(dir, 'work "dir" '));
    });
    after(() => rm(dirname(dir), { recursive: true, force: true }));

    const template = async (chartRef: string, valuesFile: string, env: Record<string, string> = helm.env) => {
      const invocation = await postRendererInvocation({ helmMajor: version, valuesFile, workDir, env, helmBinary: helm.binary });
      const run = await helm.run(['template', 'rel', chartRef, '-f', valuesFile, ...invocation.args], { ...env, ...invocation.env });
      return { run, invocation };
    };

    it('renders the canary Deployment, DestinationRule and VirtualService, paths with spaces and quotes included', async () => {
      const { run } = await template(chart, values);
      assert.equal(run.code, 0, run.stderr);
      const names = kindsAndNames(run.stdout);
      for (const object of CANARY_OBJECTS) assert.ok(names.includes(object), `${object} in ${names.join(', ')}`);
      const vs = objectsOf(run.stdout).find((o) => o.kind === 'VirtualService')!;
      assert.deepEqual(JSON.stringify(vs.spec.http).match(/"weight":\d+/g), ['"weight":90', '"weight":10']);
    });

    it("fails helm with the post-renderer's message when the stage is bad", async () => {
      const bad = await writeStageValues(dir, { ...STAGE, canary: { ...STAGE.canary, replicas: -1 } }, 'bad stage.yaml');
      const { run, invocation } = await template(chart, bad);
      assert.notEqual(run.code, 0);
      assert.equal(run.stdout, '');
      // helm 3 shows the post-renderer's stderr; helm 4 drops a plugin's stderr, so the message comes from the error file.
      const message = version === 3 ? run.stderr : await readPostRenderFailure(invocation);
      assert.match(message ?? '', /helmCanary\.canary\.replicas: must be 0 or more \(got -1\)/);
      assert.ok(message?.includes(bad), 'names the values file');
      if (version === 4) assert.match(run.stderr, /plugin "helm-canary-overlay" exited with error/);
    });

    if (version === 4) {
      describe("the user's own plugins, in the same run", () => {
        let chartTgz: string;
        before(async () => {
          const packaged = await helm.run(['package', chart, '-d', dir]);
          assert.equal(packaged.code, 0, packaged.stderr);
          chartTgz = join(dir, 'web-0.1.0.tgz');
        });

        it('finds a getter plugin of a HELM_PLUGINS list (helm 4 reads that variable as one directory for getters)', async () => {
          const first = join(dir, 'my plugins');
          const second = join(dir, 'more plugins');
          await writeGetterPlugin(second, chartTgz);
          await mkdir(first, { recursive: true });
          const { run, invocation } = await template('canarytest://charts/web-0.1.0.tgz', values, { ...helm.env, HELM_PLUGINS: [first, second].join(delimiter) });
          assert.equal(run.code, 0, run.stderr);
          for (const object of CANARY_OBJECTS) assert.ok(kindsAndNames(run.stdout).includes(object), object);
          // Our plugin and theirs in one directory: helm looks getters up in that one directory only.
          assert.equal(invocation.env.HELM_PLUGINS!.includes(delimiter), false);
        });

        it("finds a getter plugin in helm's data home when HELM_PLUGINS is not set (helm env says where)", async () => {
          await writeGetterPlugin(join(helm.env.HELM_DATA_HOME!, 'plugins'), chartTgz);
          const { run } = await template('canarytest://charts/web-0.1.0.tgz', values);
          assert.equal(run.code, 0, run.stderr);
          for (const object of CANARY_OBJECTS) assert.ok(kindsAndNames(run.stdout).includes(object), object);
        });

        it('uses the shipped post-renderer even when the user has a plugin of the same name', async () => {
          const theirs = join(dir, 'their plugins', 'old-overlay');
          await mkdir(theirs, { recursive: true });
          await writeFile(join(theirs, 'plugin.yaml'), 'apiVersion: v1\nname: helm-canary-overlay\ntype: postrenderer/v1\nruntime: subprocess\nversion: 0.0.1\nruntimeConfig:\n  platformCommand:\n    - command: /bin/false\n');
          const { run } = await template(chart, values, { ...helm.env, HELM_PLUGINS: dirname(theirs) });
          assert.equal(run.code, 0, run.stderr);
          assert.ok(kindsAndNames(run.stdout).includes('Deployment/rel-web-canary'));
        });
      });
    }
  });
}
