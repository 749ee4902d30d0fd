// Test support: a git repository holding this checkout's source as one commit on `main` (tracked
// and new files, as the working tree has them, so the tests exercise the files being changed),
// the release script run in it, and a PATH with node but no npm, as a plugin user or a runner
// may have it.
import { execFileSync, spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, dirname, join } from 'node:path';
import { repoRoot } from '../helpers/run-cli.js';
import { supportedNode } from './supported-node.js';

/** GIT_ENV keeps git away from the developer's config (signing, hooks, default branch) and names the committer. */
export const GIT_ENV: Record<string, string> = {
  GIT_CONFIG_GLOBAL: '/dev/null',
  GIT_CONFIG_NOSYSTEM: '1',
  GIT_AUTHOR_NAME: 'Release Test',
  GIT_AUTHOR_EMAIL: 'release-test@example.invalid',
  GIT_COMMITTER_NAME: 'Release Test',
  GIT_COMMITTER_EMAIL: 'release-test@example.invalid',
};

/** SourceRepo is a temporary repository named helm-canary (helm names a plugin's directory after its URL). */
export interface SourceRepo {
  /** dir is the repository's working tree. */
  dir: string;
  /** git runs git in the repository and returns its trimmed stdout; it throws on a non-zero exit. */
  git(...args: string[]): string;
  cleanup(): void;
}

/** makeSourceRepo copies the checkout's source into a new repository, one commit on main, node_modules linked as a developer has it. */
export function makeSourceRepo(): SourceRepo {
  const base = mkdtempSync(join(tmpdir(), 'hc-release-'));
  const dir = join(base, 'helm-canary');
  mkdirSync(dir);
  const git = (...args: string[]) => execFileSync('git', args, { cwd: dir, env: { ...process.env, ...GIT_ENV }, encoding: 'utf8' }).trim();
  const files = execFileSync('git', ['ls-files', '-z', '--cached', '--others', '--exclude-standard'], { cwd: repoRoot, encoding: 'utf8' }).split('\0');
  for (const file of files) {
    const from = join(repoRoot, file);
    // deleted but not yet committed, or a directory (a nested repository)
    if (!file || !existsSync(from) || !statSync(from).isFile()) continue;
    mkdirSync(dirname(join(dir, file)), { recursive: true });
    copyFileSync(from, join(dir, file));
  }
  git('init', '--quiet', '--initial-branch', 'main');
  git('add', '--all');
  git('commit', '--quiet', '--message', 'source');
  symlinkSync(join(repoRoot, 'node_modules'), join(dir, 'node_modules'));
  return { dir, git, cleanup: () => rmSync(base, { recursive: true, force: true }) };
}

/** ReleaseRun is how one run of the release script ended. */
export interface ReleaseRun {
  exitCode: number;
  stdout: string;
  stderr: string;
}

/** runRelease runs `scripts/release-ref.mjs` of `repo` (bundle only: the typecheck is not what these tests are about). */
export function runRelease(repo: SourceRepo, ...args: string[]): ReleaseRun {
  const r = spawnSync(process.execPath, [join(repo.dir, 'scripts', 'release-ref.mjs'), '--skip-typecheck', ...args], {
    cwd: repo.dir,
    env: { ...process.env, ...GIT_ENV },
    encoding: 'utf8',
  });
  return { exitCode: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

const NODE_TOOLS = new Set(['node', 'nodejs', 'npm', 'npx', 'corepack', 'yarn', 'pnpm']);

/**
 * pathWithNodeOnly makes, under `dir`, a PATH whose `node` is a supported one and which has no
 * npm (nor npx, corepack, yarn, pnpm): the first directory holds that node, the second links
 * every other program of the current PATH (git, sh and the tools git's scripts use).
 */
export function pathWithNodeOnly(dir: string): string {
  const nodeBin = join(dir, 'node-bin');
  const systemBin = join(dir, 'system-bin');
  mkdirSync(nodeBin, { recursive: true });
  mkdirSync(systemBin, { recursive: true });
  symlinkSync(supportedNode(), join(nodeBin, 'node'));
  const linked = new Set<string>();
  for (const pathDir of (process.env.PATH ?? '').split(delimiter)) {
    if (!pathDir || !existsSync(pathDir)) continue;
    for (const name of readdirSync(pathDir)) {
      if (NODE_TOOLS.has(name) || linked.has(name)) continue;
      linked.add(name);
      symlinkSync(join(pathDir, name), join(systemBin, name));
    }
  }
  return [nodeBin, systemBin].join(delimiter);
}

/**
 * watchedNodeEnv is the part of the test process's environment that makes spawned node processes
 * report their warnings to the run (test/setup/fail-on-warning.mjs), for tests that otherwise
 * give a child only the variables they name.
 */
export function watchedNodeEnv(): Record<string, string> {
  const names = ['NODE_OPTIONS', 'HELM_CANARY_TEST_WARNINGS_LOG'];
  return Object.fromEntries(names.flatMap((name) => (process.env[name] ? [[name, process.env[name]!]] : [])));
}

/** Released is a source repository with a release made by the release script, and a scratch directory beside it. */
export interface Released {
  repo: SourceRepo;
  /** The version in the repository's package.json (the release tag is v<version>). */
  version: string;
  /** work is an empty directory beside the repository, for the test's own files. */
  work: string;
  /** PATH holds a supported node and no npm (pathWithNodeOnly). */
  PATH: string;
}

/** releasedRepo makes a source repository, runs the release script in it (throwing when it fails) and prepares `work` and PATH. */
export function releasedRepo(): Released {
  const repo = makeSourceRepo();
  const run = runRelease(repo);
  if (run.exitCode !== 0) throw new Error(`release script exited ${run.exitCode}: ${run.stderr}`);
  const version = (JSON.parse(repo.git('show', 'HEAD:package.json')) as { version: string }).version;
  const work = join(repo.dir, '..', 'work');
  mkdirSync(work);
  return { repo, version, work, PATH: pathWithNodeOnly(join(work, 'path')) };
}
