#!/usr/bin/env node
// Builds the real control plane the e2e tier runs against (issue 11) from the
// Go modules pinned under test/control-plane/: etcd, kwok, kube-apiserver,
// kube-controller-manager and kube-scheduler into .cache/control-plane/bin,
// and copies Istio's CRDs from the istio.io/api module to
// .cache/control-plane/istio-crds.yaml and kwok's Stage CRD from the kwok
// module to .cache/control-plane/kwok-crds.yaml (kwok reads its Stages from
// the API server, so tests can add pod faults while it runs).
//
// Every binary is its upstream's own main package (named by a `tool` line in
// the module's go.mod), so nothing of ours sits between the flags a launcher
// passes and the component. etcd and kwok come first: they are small and the
// launcher can start using them while the Kubernetes binaries still build.
//
// A binary whose inputs (its module's go.mod and go.sum, the ldflags, the Go
// version) are unchanged since its last build is skipped; `--force` rebuilds
// anyway (Go's build cache still makes that fast). Output goes to a temporary
// name and is renamed into place, so a reader never sees half a binary.
//
// `--download-only` fetches the Go modules the binaries need into Go's module
// cache and builds nothing: it is network-bound, so CI runs it while the
// default suite keeps both cores busy, and the build after it only compiles.
//
// Usage: npm run control-plane:build [-- --force | --download-only]
import { createHash } from 'node:crypto';
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const modulesRoot = join(repoRoot, 'test/control-plane');
const outRoot = join(repoRoot, '.cache/control-plane');
const binDir = join(outRoot, 'bin');
const stampDir = join(outRoot, 'stamps');
const istioCrdsPath = join(outRoot, 'istio-crds.yaml');
const kwokCrdsPath = join(outRoot, 'kwok-crds.yaml');

const force = process.argv.includes('--force');
const downloadOnly = process.argv.includes('--download-only');

/** The version fields of a Go module as the module proxy reports them. */
function moduleInfo(moduleDir, modulePath) {
  const out = go(['list', '-m', '-json', modulePath], moduleDir);
  return JSON.parse(out);
}

// Kubernetes' hack/lib/version.sh sets these in both packages; /version and
// `--version` read them. A module zip carries no git commit, so gitCommit is
// left empty and the tree state is "archive", as for a `git archive` export.
// buildDate is the release's own time from the proxy, so builds reproduce.
function kubernetesLdflags(moduleDir) {
  const { Version: version, Time: time } = moduleInfo(moduleDir, 'k8s.io/kubernetes');
  const [major, minor] = version.replace(/^v/, '').split('.');
  const vars = {
    gitVersion: version,
    gitMajor: major,
    gitMinor: minor,
    gitCommit: '',
    gitTreeState: 'archive',
    buildDate: time.replace(/\.\d+Z$/, 'Z'),
  };
  return Object.entries(vars)
    .flatMap(([key, value]) => [
      `-X 'k8s.io/client-go/pkg/version.${key}=${value}'`,
      `-X 'k8s.io/component-base/version.${key}=${value}'`,
    ])
    .join(' ');
}

function kwokLdflags(moduleDir) {
  const { Version: version } = moduleInfo(moduleDir, 'sigs.k8s.io/kwok');
  // kwok's own release script stamps the version without its leading "v".
  return `-X 'sigs.k8s.io/kwok/pkg/consts.Version=${version.replace(/^v/, '')}'`;
}

function etcdLdflags(moduleDir) {
  // etcd's version is a constant in its source; only the commit is stamped,
  // and a module zip has none, so say where the build came from instead.
  const { Version: version } = moduleInfo(moduleDir, 'go.etcd.io/etcd/server/v3');
  return `-X 'go.etcd.io/etcd/api/v3/version.GitSHA=module-${version}'`;
}

/** In build order: the small ones the launcher needs first, then Kubernetes. */
const binaries = [
  { name: 'etcd', module: 'etcd', pkg: 'go.etcd.io/etcd/server/v3', ldflags: etcdLdflags },
  { name: 'kwok', module: 'kwok', pkg: 'sigs.k8s.io/kwok/cmd/kwok', ldflags: kwokLdflags },
  { name: 'kube-apiserver', module: 'kubernetes', pkg: 'k8s.io/kubernetes/cmd/kube-apiserver', ldflags: kubernetesLdflags },
  { name: 'kube-controller-manager', module: 'kubernetes', pkg: 'k8s.io/kubernetes/cmd/kube-controller-manager', ldflags: kubernetesLdflags },
  { name: 'kube-scheduler', module: 'kubernetes', pkg: 'k8s.io/kubernetes/cmd/kube-scheduler', ldflags: kubernetesLdflags },
];

function go(args, cwd) {
  return execFileSync('go', args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
}

function log(message) {
  process.stdout.write(`control-plane: ${message}\n`);
}

function seconds(since) {
  return `${((Date.now() - since) / 1000).toFixed(1)} s`;
}

/** Everything that decides a binary's bytes, hashed; equal hash = skip. */
function inputsHash(binary, moduleDir, ldflags, goVersion) {
  const hash = createHash('sha256');
  for (const file of ['go.mod', 'go.sum']) hash.update(readFileSync(join(moduleDir, file)));
  hash.update(JSON.stringify({ pkg: binary.pkg, ldflags, goVersion, trimpath: true }));
  return hash.digest('hex');
}

function buildBinary(binary, goVersion) {
  const moduleDir = join(modulesRoot, binary.module);
  // -s -w drops the symbol table and DWARF, as Kubernetes' own release build
  // does (hack/lib/golang.sh without DBG=1): a third smaller, faster to link.
  const ldflags = `-s -w ${binary.ldflags(moduleDir)}`;
  const target = join(binDir, binary.name);
  const stampPath = join(stampDir, `${binary.name}.sha256`);
  const hash = inputsHash(binary, moduleDir, ldflags, goVersion);

  if (!force && existsSync(target) && existsSync(stampPath) && readFileSync(stampPath, 'utf8') === hash) {
    log(`${binary.name}: up to date, skipped`);
    return;
  }

  const started = Date.now();
  log(`${binary.name}: building ${binary.pkg} ...`);
  const partial = `${target}.partial`;
  const result = spawnSync('go', ['build', '-trimpath', '-ldflags', ldflags, '-o', partial, binary.pkg], {
    cwd: moduleDir,
    stdio: 'inherit',
  });
  if (result.status !== 0) {
    rmSync(partial, { force: true });
    throw new Error(`go build ${binary.pkg} failed (exit ${result.status ?? result.signal})`);
  }
  renameSync(partial, target);
  writeFileSync(stampPath, hash);
  log(`${binary.name}: built in ${seconds(started)}`);
}

/**
 * copyFromModule copies `file` of Go module `modulePath` (pinned by our module `module`) to
 * `target`. `go mod download` inside the module checks the zip against its go.sum. Read and write
 * rather than copy: the module cache's files are read-only, and a read-only copy could not be
 * replaced by the next build.
 */
function copyFromModule(module, modulePath, file, target, what) {
  const { Dir: dir, Version: version } = JSON.parse(go(['mod', 'download', '-json', modulePath], join(modulesRoot, module)));
  const content = readFileSync(join(dir, file));
  rmSync(target, { force: true });
  writeFileSync(target, content);
  log(`${what}: copied from ${modulePath} ${version}`);
}

function copyIstioCrds() {
  copyFromModule('istio', 'istio.io/api', 'kubernetes/customresourcedefinitions.gen.yaml', istioCrdsPath, 'istio-crds.yaml');
}

function copyKwokCrds() {
  // Only the Stage CRD: the launcher starts kwok with --enable-crds=Stage and nothing else.
  copyFromModule('kwok', 'sigs.k8s.io/kwok', 'kustomize/crd/bases/kwok.x-k8s.io_stages.yaml', kwokCrdsPath, 'kwok-crds.yaml (the Stage CRD)');
}

/** downloadModules fetches every module the binaries' packages import (`go list -deps` loads them, compiles nothing). */
function downloadModules() {
  const started = Date.now();
  const byModule = new Map();
  for (const binary of binaries) byModule.set(binary.module, [...(byModule.get(binary.module) ?? []), binary.pkg]);
  for (const [module, pkgs] of byModule) {
    const moduleStarted = Date.now();
    go(['list', '-deps', '-f', '{{.ImportPath}}', ...pkgs], join(modulesRoot, module));
    log(`${module}: modules downloaded in ${seconds(moduleStarted)}`);
  }
  go(['mod', 'download', 'istio.io/api'], join(modulesRoot, 'istio'));
  log(`downloads done in ${seconds(started)}`);
}

function main() {
  if (downloadOnly) return downloadModules();
  const started = Date.now();
  mkdirSync(binDir, { recursive: true });
  mkdirSync(stampDir, { recursive: true });
  const goVersion = go(['env', 'GOVERSION']).trim();
  log(`building into ${binDir} with ${goVersion}${force ? ' (--force)' : ''}`);
  const [small, kubernetes] = [binaries.slice(0, 2), binaries.slice(2)];
  for (const binary of small) buildBinary(binary, goVersion);
  copyIstioCrds();
  copyKwokCrds();
  for (const binary of kubernetes) buildBinary(binary, goVersion);
  log(`done in ${seconds(started)}`);
}

try {
  main();
} catch (error) {
  process.stderr.write(`control-plane: ${error.message}\n`);
  process.exit(1);
}
