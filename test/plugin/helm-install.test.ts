// The helm plugin as a user installs it: from a git repository at a release tag, with the real
// helm 3 and helm 4, into private plugin/data/config/cache homes, and with node but no npm on
// PATH. The repository is local (file:// is the URL form helm's VCS installer takes for one; a
// plain path would be a directory install). The installed plugin runs `plan` and `version`,
// completes through helm, carries no node_modules and stays small; a ref without dist/ (main)
// stops the install with the fix; helm 4 wants --verify=false for a git source.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readdirSync, statSync, writeFileSync, lstatSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { execa } from 'execa';
import { helmBinaries } from '../helm/helm-env.js';
import { repoRoot } from '../helpers/run-cli.js';
import { releasedRepo, watchedNodeEnv, type SourceRepo } from '../release/source-repo.js';

let repo: SourceRepo;
let helm: Record<3 | 4, string>;
let work: string;
let PATH: string;
let version: string;
let url: string;

before(async () => {
  helm = await helmBinaries();
  ({ repo, version, work, PATH } = releasedRepo());
  url = `file://${repo.dir}`;
  writeFileSync(
    join(work, 'canary.yaml'),
    `release: productpage\nnamespace: bookinfo\nchart: ${join(repoRoot, 'charts', 'canary-app')}\nimage: {repository: acr.io/bookinfo/productpage}\nreplicas: 2\n`,
  );
});
after(() => repo?.cleanup());

// A private helm (homes under work/<name>) with PATH holding node but no npm. helm 4 installs
// into $HELM_DATA_HOME/plugins whatever HELM_PLUGINS says, so both point there.
function helmAs(major: 3 | 4, name: string, path = PATH) {
  const home = join(work, name);
  const plugins = join(home, 'data', 'plugins');
  const env = {
    ...watchedNodeEnv(),
    PATH: path,
    HOME: home,
    HELM_DATA_HOME: join(home, 'data'),
    HELM_PLUGINS: plugins,
    HELM_CONFIG_HOME: join(home, 'config'),
    HELM_CACHE_HOME: join(home, 'cache'),
    KUBECONFIG: join(home, 'no-kubeconfig'),
  };
  const run = (...args: string[]) => execa(helm[major], args, { cwd: work, env, extendEnv: false, reject: false, stdin: 'ignore' });
  return { run, plugins };
}

function sizeOf(path: string): number {
  const stat = lstatSync(path);
  if (!stat.isDirectory()) return stat.size;
  return readdirSync(path).reduce((sum, entry) => sum + sizeOf(join(path, entry)), 0);
}

const verifyOff = (major: 3 | 4) => (major === 4 ? ['--verify=false'] : []);

describe('helm plugin from a git repository (real helm 3 and 4, node without npm)', () => {
  it('the test PATH has node 22+ and no npm', () => {
    const found = execFileSync('sh', ['-c', 'command -v npm || echo none; node --version'], { env: { PATH }, encoding: 'utf8' }).split('\n');
    assert.equal(found[0], 'none');
    assert.ok(Number(/^v(\d+)/.exec(found[1]!)![1]) >= 22, found[1]);
  });

  for (const major of [3, 4] as const) {
    it(`helm ${major}: plugin install ${major === 4 ? '--verify=false ' : ''}at the release tag, then plan, version and completion`, async (t) => {
      // a home with a space in its path, as on many desktops: every script the plugin runs keeps it whole
      const { run, plugins } = helmAs(major, `helm ${major} home`);
      const installed = await run('plugin', 'install', url, '--version', 'v0', ...verifyOff(major));
      assert.equal(installed.exitCode, 0, installed.stderr);
      assert.match(installed.stdout, /Installed plugin: canary/);
      assert.equal(installed.stderr, '', 'the hook is silent when node 22+ and dist/ are there');

      const list = await run('plugin', 'list');
      assert.match(list.stdout, new RegExp(`^canary\\s+${version.replaceAll('.', '\\.')}\\s`, 'm'));
      // helm 4 loads helm 3's format as a legacy cli/v1 plugin
      if (major === 4) assert.match(list.stdout, /^canary\s+\S+\s+cli\/v1\s+legacy\b/m);

      const plan = await run('canary', 'plan', '--stable-tag', '83', '--new-tag', '84', '--steps', '5,25,50,100', '-o', 'json');
      assert.equal(plan.exitCode, 0, plan.stderr);
      assert.deepEqual(JSON.parse(plan.stdout).stages.map((s: { name: string }) => s.name), ['stable', 'canary 5 %', 'canary 25 %', 'canary 50 %', 'canary 100 %', 'production updated', 'traffic back', 'new stable']);
      // helm-canary's exit codes pass through helm
      const bad = await run('canary', 'plan', '--stable-tag', '83', '--new-tag', '83');
      assert.equal(bad.exitCode, 2);
      assert.match(bad.stderr, /--new-tag: must differ from the stable tag/);

      const versionCommand = await run('canary', 'version');
      assert.equal(versionCommand.exitCode, 0, versionCommand.stderr);
      assert.match(versionCommand.stdout, new RegExp(`^helm-canary ${version.replaceAll('.', '\\.')}\\n`));
      const versionFlag = await run('canary', '--version');
      assert.equal(versionFlag.stdout.trim(), version);

      // completion: the commands from completion.yaml, then values from plugin.complete (the CLI's __complete)
      const commands = await run('__complete', 'canary', '');
      const candidates = commands.stdout.split('\n');
      for (const verb of ['plan', 'deploy', 'start', 'promote', 'rollback', 'status', 'pipeline', 'version']) assert.ok(candidates.includes(verb), `${verb} in ${commands.stdout}`);
      assert.ok(candidates.includes(':4'), 'no file names among the commands');
      const outputs = await run('__complete', 'canary', 'plan', '--output', '');
      assert.deepEqual(outputs.stdout.split('\n').filter((l) => /^[a-z]/.test(l)).sort(), ['json', 'script', 'table', 'yaml']);
      const flags = await run('__complete', 'canary', 'promote', '--t');
      assert.ok(flags.stdout.split('\n').includes('--to'), flags.stdout);
      const sub = await run('__complete', 'canary', 'pipeline', '');
      assert.deepEqual(sub.stdout.split('\n').filter((l) => /^[a-z]/.test(l)).sort(), ['azure', 'github']);

      // the plugin carries what it runs, not a build toolchain
      const dir = join(plugins, 'helm-canary');
      assert.ok(existsSync(join(dir, 'dist', 'bin', 'helm-canary.mjs')));
      assert.equal(existsSync(join(dir, 'node_modules')), false, 'no node_modules');
      const bytes = sizeOf(dir);
      t.diagnostic(`helm ${major}: installed plugin directory ${(bytes / 1e6).toFixed(1)} MB (dist/ ${(sizeOf(join(dir, 'dist')) / 1e6).toFixed(1)} MB, .git ${(sizeOf(join(dir, '.git')) / 1e6).toFixed(1)} MB)`);
      assert.ok(bytes < 25e6, `${bytes} bytes`);
    });
  }

  for (const major of [3, 4] as const) {
    it(`helm ${major}: installing a ref without dist/ (main) stops with the fix; the command says it too`, async () => {
      const { run } = helmAs(major, `helm${major}-main`);
      const installed = await run('plugin', 'install', url, ...verifyOff(major));
      assert.notEqual(installed.exitCode, 0);
      assert.match(installed.stderr, /dist\/bin\/helm-canary\.mjs is missing: this plugin was installed from a ref that is not a release/);
      assert.match(installed.stderr, /helm plugin install <repository URL> --version v0/);
      assert.match(installed.stderr, /helm 4: add --verify=false/);
      assert.match(installed.stderr, /npm ci && npm run build && helm plugin install "\$PWD"/);
      // helm keeps the directory it copied; running it gives the same message, exit 3, and never npm
      const ran = await run('canary', 'version');
      assert.equal(ran.exitCode, 3);
      assert.match(ran.stderr, /is missing: this plugin was installed from a ref that is not a release/);
    });
  }

  it('helm 3: without node, or with a node older than 22.19, the install succeeds with a warning; the command names node', async () => {
    const withoutNode = PATH.split(delimiter).slice(1).join(delimiter);
    const bare = helmAs(3, 'helm3-no-node', withoutNode);
    const installed = await bare.run('plugin', 'install', url, '--version', 'v0');
    assert.equal(installed.exitCode, 0, installed.stderr);
    assert.match(installed.stderr, /^helm canary: warning: node is not on PATH; `helm canary` needs Node\.js 22\.19 or newer on PATH/);
    const ran = await bare.run('canary', 'version');
    assert.equal(ran.exitCode, 3);
    assert.match(ran.stderr, /helm canary: node is not on PATH; the plugin runs on Node\.js 22\.19 or newer/);

    // a tiny stand-in for an old node: the hook only asks it for its version
    const oldNodeDir = join(work, 'old-node');
    mkdirSync(oldNodeDir);
    writeFileSync(join(oldNodeDir, 'node'), '#!/bin/sh\necho v22.18.0\n', { mode: 0o755 });
    const old = helmAs(3, 'helm3-old-node', [oldNodeDir, withoutNode].join(delimiter));
    const installedOld = await old.run('plugin', 'install', url, '--version', 'v0');
    assert.equal(installedOld.exitCode, 0, installedOld.stderr);
    assert.match(installedOld.stderr, /^helm canary: warning: node on PATH is v22\.18\.0; `helm canary` needs Node\.js 22\.19 or newer/);
  });

  it('helm 4: a git source without --verify=false is refused (it has no signature to verify)', async () => {
    const { run } = helmAs(4, 'helm4-verify');
    const installed = await run('plugin', 'install', url, '--version', 'v0');
    assert.notEqual(installed.exitCode, 0);
    assert.match(installed.stderr, /Use --verify=false to skip verification/);
  });

  it('helm 4: the apiVersion v1 manifest, as plugin.yaml of the release tree, installs and runs', async () => {
    const tree = join(work, 'v1-plugin');
    mkdirSync(tree);
    execFileSync('sh', ['-c', `git archive v0 | tar -x -C "${tree}"`], { cwd: repo.dir });
    copyFileSync(join(tree, 'scripts', 'helm-plugin', 'plugin.v1.yaml'), join(tree, 'plugin.yaml'));
    const { run } = helmAs(4, 'helm4-v1');
    const installed = await run('plugin', 'install', tree);
    assert.equal(installed.exitCode, 0, installed.stderr);
    assert.equal(installed.stderr, '');
    assert.match((await run('plugin', 'list')).stdout, new RegExp(`^canary\\s+${version.replaceAll('.', '\\.')}\\s+cli/v1\\s+v1\\b`, 'm'));
    const ran = await run('canary', 'version');
    assert.equal(ran.exitCode, 0, ran.stderr);
    assert.match(ran.stdout, /^helm-canary /);
    const commands = await run('__complete', 'canary', '');
    assert.ok(commands.stdout.split('\n').includes('rollback'), commands.stdout);
    assert.ok(statSync(join(tree, 'plugin.complete')).mode & 0o100);
  });
});
