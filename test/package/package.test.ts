// The npm package as a user installs it: `npm pack` ships the bundle and the files it reads or the
// README documents, nothing of the build; a global install from the tarball, with no registry and
// an empty npm cache, adds exactly one package, and the installed CLI works from an empty
// directory with no node_modules in reach: `version`, `plan` (README "Plan a release"), a cluster
// command on the simulated cluster (the lazily loaded Kubernetes client), helm 4 running the shipped
// post-renderer plugin, and every chunk of the bundle loads. Times are not asserted here: `npm run bench` measures install and cold start.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execa } from 'execa';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, dirname, join, sep } from 'node:path';
import { pathToFileURL } from 'node:url';
import { repoRoot } from '../helpers/run-cli.js';
import { givenCluster } from '../helpers/e2e.js';
import { installGlobal, pack, type Installed, type Packed } from './installed-package.js';

// 5 MB as npm counts it (10^6 bytes): the figure npm pack and the issue give.
const FIVE_MB = 5_000_000;
const manifest = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')) as { version: string; dependencies?: Record<string, string>; engines: { node: string } };

let work: string;
let packed: Packed;
let installed: Installed;
let emptyDir: string;

before(async () => {
  assert.ok(existsSync(join(repoRoot, 'dist', 'bin', 'helm-canary.mjs')), 'dist/ is not built: run `npm run build` first');
  work = mkdtempSync(join(tmpdir(), 'hc-package-'));
  packed = await pack(work);
  installed = await installGlobal(packed.tarball, join(work, 'prefix'));
  emptyDir = join(work, 'empty');
  mkdirSync(emptyDir);
});
after(() => rmSync(work, { recursive: true, force: true }));

/** userEnv is a shell's environment with this test's Node first on PATH and nothing pointing into a node_modules. */
function userEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) if (!/^npm_/i.test(k) && k !== 'NODE_PATH') env[k] = v;
  const path = (process.env.PATH ?? '').split(delimiter).filter((p) => !p.includes(`${sep}node_modules${sep}`));
  return { ...env, PATH: [dirname(process.execPath), ...path].join(delimiter), ...extra };
}

/** installedCli runs the installed `helm-canary` link as a shell would. */
async function installedCli(args: string[], options: { cwd?: string; env?: Record<string, string> } = {}) {
  const r = await execa(installed.bin, args, { cwd: options.cwd ?? emptyDir, env: userEnv(options.env), extendEnv: false, reject: false, stdin: 'ignore' });
  return { exitCode: r.exitCode, stdout: String(r.stdout), stderr: String(r.stderr) };
}

function sizeOf(dir: string): number {
  let total = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (entry.isFile()) total += statSync(join(entry.parentPath, entry.name)).size;
  }
  return total;
}

describe('the packed tarball', () => {
  it('holds the bundle, the charts, plans and schemas, README and LICENSE, and nothing of the build', () => {
    for (const file of ['package.json', 'README.md', 'LICENSE', 'dist/bin/helm-canary.mjs', 'stages/seven-stage.yaml', 'charts/canary-app/Chart.yaml', 'schema/canary.schema.json', 'plugins/helm-canary-overlay/plugin.yaml', 'plugins/helm-canary-overlay/post-render.sh', 'plugins/helm-canary-overlay/post-render.cmd']) {
      assert.ok(packed.files.includes(file), `${file} is not in the tarball: ${packed.files.join(' ')}`);
    }
    const allowed = /^(package\.json|README\.md|LICENSE|BENCHMARKS\.md|dist\/bin\/.+\.mjs|charts\/.+|stages\/.+|schema\/.+\.json|plugins\/helm-canary-overlay\/(plugin\.yaml|post-render\.(sh|cmd)))$/;
    assert.deepEqual(packed.files.filter((f) => !allowed.test(f)), [], 'files outside what runs or is documented');
    assert.ok(packed.files.some((f) => f.startsWith('dist/bin/chunks/')), 'the bundle\'s lazily loaded chunks are missing');
  });

  it('unpacks to under 5 MB', () => {
    assert.ok(packed.unpackedSize < FIVE_MB, `unpacked size ${packed.unpackedSize} bytes`);
  });

  it('declares no runtime dependency: the bundle carries its libraries', () => {
    assert.deepEqual(Object.keys(manifest.dependencies ?? {}), []);
  });

  it('every relative link of its README names a file it ships', () => {
    const readme = readFileSync(join(repoRoot, 'README.md'), 'utf8');
    const links = [...readme.matchAll(/\]\(([^)#\s]+)(?:#[^)]*)?\)/g)].map((m) => m[1]!).filter((l) => !/^[a-z]+:/i.test(l));
    assert.deepEqual(links.filter((l) => !packed.files.includes(l.replace(/^\.\//, ''))), [], 'README links to files the package does not ship (link the repository instead)');
  });
});

describe('a global install from the tarball, offline with an empty npm cache', () => {
  it('adds exactly one package and nothing under it', () => {
    assert.match(installed.npmOutput, /added 1 package\b/);
    assert.deepEqual(readdirSync(dirname(installed.packageDir)), ['helm-canary']);
    assert.ok(!existsSync(join(installed.packageDir, 'node_modules')), 'the installed package has a node_modules');
    const size = sizeOf(installed.packageDir);
    assert.ok(size < FIVE_MB, `installed size ${size} bytes`);
  });

  it('`helm-canary version` prints its version and Node, as text and as JSON', async () => {
    const text = await installedCli(['version']);
    assert.equal(text.exitCode, 0, text.stderr);
    assert.equal(text.stderr, '');
    assert.match(text.stdout, new RegExp(`^helm-canary ${manifest.version.replaceAll('.', '\\.')}\nnode ${process.version} \\(supported\\)\n`));
    const json = await installedCli(['version', '-o', 'json']);
    assert.equal(json.exitCode, 0, json.stderr);
    assert.deepEqual(JSON.parse(json.stdout), {
      version: manifest.version, node: process.version, nodeSupported: manifest.engines.node, nodeInSupportedRange: true, platform: process.platform, arch: process.arch,
    });
    const flag = await installedCli(['--version']);
    assert.equal(flag.stdout, manifest.version);
  });

  it('`helm-canary plan` works from a directory with only canary.yaml, reading the plan it ships', async () => {
    const chart = join(installed.packageDir, 'charts', 'canary-app');
    writeFileSync(join(emptyDir, 'canary.yaml'), `release: productpage\nnamespace: bookinfo\nchart: ${chart}\nimage:\n  repository: acr.io/app\nreplicas: 2\n`);
    try {
      const table = await installedCli(['plan', '-f', 'canary.yaml', '--stable-tag', '83', '--new-tag', '84']);
      assert.equal(table.exitCode, 0, table.stderr);
      assert.match(table.stdout, /canary 10 %/);
      const json = await installedCli(['plan', '-f', 'canary.yaml', '--stable-tag', '83', '--new-tag', '84', '-o', 'json']);
      assert.equal(json.exitCode, 0, json.stderr);
      const plan = JSON.parse(json.stdout) as { plan: string; stages: { number: number }[] };
      assert.equal(plan.plan, 'seven-stage');
      assert.deepEqual(plan.stages.map((s) => s.number), [1, 2, 3, 4, 5, 6, 7]);
    } finally {
      rmSync(join(emptyDir, 'canary.yaml'));
    }
  });

  it('loads every chunk of its bundle (the cluster wiring, the Kubernetes client, the prompt) with no node_modules', async () => {
    const chunks = readdirSync(join(installed.packageDir, 'dist', 'bin', 'chunks')).map((f) => pathToFileURL(join(installed.packageDir, 'dist', 'bin', 'chunks', f)).href);
    assert.ok(chunks.length > 0);
    const script = `for (const c of ${JSON.stringify(chunks)}) await import(c);`;
    const r = await execa(process.execPath, ['--input-type=module', '-e', script], { cwd: emptyDir, env: userEnv(), extendEnv: false, reject: false, stdin: 'ignore' });
    assert.equal(r.exitCode, 0, String(r.stderr));
  });

  it("runs as helm 4's post-renderer from its shipped plugin, on a chart made by helm create", async () => {
    const helm = join(repoRoot, '.cache', 'helm', 'helm4');
    const home = join(work, 'helm home');
    const helmEnv = userEnv({ HOME: home, HELM_DATA_HOME: join(home, 'data'), HELM_CONFIG_HOME: join(home, 'config'), HELM_CACHE_HOME: join(home, 'cache') });
    const made = await execa(helm, ['create', join(work, 'web')], { env: helmEnv, extendEnv: false, stdin: 'ignore' });
    assert.equal(made.exitCode, 0);
    const values = join(work, 'stage.yaml');
    const stage = (tag: string, replicas: number, weight: number) => ({ repository: 'nginx', tag, replicas, weight });
    writeFileSync(values, JSON.stringify({ helmCanary: { production: stage('1.25', 2, 90), canary: stage('1.26', 1, 10), target: {}, routing: { hosts: [], gateways: [] } } }));
    const bundle = join(installed.packageDir, 'dist', 'bin', 'helm-canary.mjs');
    const args = ['template', 'rel', join(work, 'web'), '-f', values, '--post-renderer', 'helm-canary-overlay', ...[process.execPath, bundle, values].map((a) => `--post-renderer-args=${a}`)];
    const r = await execa(helm, args, { env: { ...helmEnv, HELM_PLUGINS: join(installed.packageDir, 'plugins') }, extendEnv: false, reject: false, stdin: 'ignore' });
    assert.equal(r.exitCode, 0, String(r.stderr));
    assert.match(String(r.stdout), /name: rel-web-canary/);
    assert.match(String(r.stdout), /kind: VirtualService/);
  });

  it('deploys to the simulated cluster and reads its status (a cluster command, the chart it ships)', async () => {
    const env = await givenCluster(4);
    try {
      env.writeConfig({ chart: join(installed.packageDir, 'charts', 'canary-app') });
      const config = join(env.dir, 'canary.yaml');
      const deploy = await installedCli(['deploy', '-f', config, '--tag', '1.0', '--yes'], { env: env.env });
      assert.equal(deploy.exitCode, 0, deploy.stderr);
      const status = await installedCli(['status', '-f', config, '-o', 'json'], { env: env.env });
      assert.equal(status.exitCode, 0, status.stderr);
      const doc = JSON.parse(status.stdout) as { production: { tag: string; ready: number }; helm: { status: string } };
      assert.deepEqual([doc.production.tag, doc.production.ready, doc.helm.status], ['1.0', 2, 'deployed'], status.stdout);
      const observed = await env.observe();
      assert.deepEqual([observed.production.image, observed.production.ready], ['acr.io/bookinfo/productpage:1.0', 2]);
    } finally {
      await env.stop();
    }
  });
});
