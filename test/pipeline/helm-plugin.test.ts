// The Helm plugin installed from a built checkout's path (the developer's route, and the fix the
// plugin names when a ref has no dist/): the real helm 3 and helm 4 binaries, temporary plugin,
// data, config and cache homes, and `helm canary plan` runs this checkout's dist/. Installs from
// a git repository at a release tag, and the v1 manifest, are in test/plugin/helm-install.test.ts.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { setupHelm } from '../../scripts/setup-helm.mjs';
import { repoRoot } from '../helpers/run-cli.js';

let dir: string;
let helm: Record<3 | 4, string>;

before(async () => {
  helm = await setupHelm();
  dir = mkdtempSync(join(tmpdir(), 'hc-plugin-'));
  writeFileSync(join(dir, 'canary.yaml'), `release: productpage\nnamespace: bookinfo\nchart: ${join(repoRoot, 'charts', 'canary-app')}\nimage: {repository: acr.io/bookinfo/productpage}\nreplicas: 2\n`);
});
after(() => rmSync(dir, { recursive: true, force: true }));

// Helm 4 installs into $HELM_DATA_HOME/plugins whatever HELM_PLUGINS says, so both point there.
function helmEnv(name: string): Record<string, string> {
  const home = join(dir, name);
  return {
    HOME: home,
    HELM_DATA_HOME: join(home, 'data'),
    HELM_PLUGINS: join(home, 'data', 'plugins'),
    HELM_CONFIG_HOME: join(home, 'config'),
    HELM_CACHE_HOME: join(home, 'cache'),
  };
}

async function installAndPlan(binary: string, pluginPath: string, name: string): Promise<void> {
  const env = helmEnv(name);
  const run = (args: string[]) => execa(binary, args, { cwd: dir, env, extendEnv: true, reject: false, stdin: 'ignore' });
  const installed = await run(['plugin', 'install', pluginPath]);
  assert.equal(installed.exitCode, 0, installed.stderr);
  const list = await run(['plugin', 'list']);
  assert.match(list.stdout, /^canary\s+0\.1\.0/m);
  const plan = await run(['canary', 'plan', '--stable-tag', '83', '--new-tag', '84', '--steps', '5,25,50,100', '-o', 'json']);
  assert.equal(plan.exitCode, 0, plan.stderr);
  const doc = JSON.parse(plan.stdout);
  assert.equal(doc.release, 'productpage');
  assert.deepEqual(doc.stages.map((s: { name: string }) => s.name), ['stable', 'canary 5 %', 'canary 25 %', 'canary 50 %', 'canary 100 %', 'production updated', 'traffic back', 'new stable']);
  // helm-canary's exit codes pass through helm
  const bad = await run(['canary', 'plan', '--stable-tag', '83', '--new-tag', '83']);
  assert.notEqual(bad.exitCode, 0);
  assert.match(bad.stderr, /--new-tag: must differ from the stable tag/);
}

describe('helm plugin from a built checkout', () => {
  for (const major of [3, 4] as const) {
    it(`helm ${major}: plugin install <checkout path>, then helm canary plan`, async () => {
      await installAndPlan(helm[major], repoRoot, `helm${major}`);
    });
  }
});
