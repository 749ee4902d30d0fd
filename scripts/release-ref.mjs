#!/usr/bin/env node
// release-ref: makes the git ref the helm plugin and the GitHub Action are installed from.
// main never holds dist/ (nothing built is committed to it), yet `helm plugin install <repo>
// --version v0` and `uses: <owner>/helm-canary@v0` run whatever the ref holds, with node alone.
// So a release is a commit of its own: parent = the source commit (HEAD), tree = that commit's
// tree plus the dist/ built from it. It is tagged v<version>, the major tag v<major> moves to it,
// and nothing else changes: the build runs in a temporary checkout of HEAD and the tree is
// written through a temporary index, so the branch, the index and the working tree stay as they
// were (uncommitted edits are not released). Prints the push commands; pushes nothing itself.
//
//   npm run release:ref -- [--version X.Y.Z] [--skip-typecheck] [--remote origin]
//
// Re-running for a version whose tag already releases HEAD is a no-op (exit 0, the major tag is
// put back on it); a tag releasing another commit is refused (exit 1): bump the version.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const CLI_IN_TREE = 'dist/bin/helm-canary.mjs';

const usage = `usage: npm run release:ref -- [--version X.Y.Z] [--skip-typecheck] [--remote NAME]

Builds dist/ from HEAD in a temporary checkout, commits HEAD's tree plus dist/ as a child of HEAD,
tags it v<version> (default: package.json's version at HEAD) and moves v<major> to it.
The current branch, index and working tree are left untouched. Nothing is pushed.

  --version X.Y.Z    the version to tag (default: "version" of HEAD's package.json)
  --skip-typecheck   build with the bundler only (node scripts/bundle.mjs), not npm run build
  --remote NAME      the remote named in the push commands printed (default: origin)
`;

class ReleaseError extends Error {}

function git(args, { env, input, allowFail = false } = {}) {
  const r = spawnSync('git', args, { cwd: root, env: { ...process.env, ...env }, input, encoding: 'utf8' });
  if (r.error) throw new ReleaseError(`git is needed: ${r.error.message}`);
  if (r.status !== 0 && !allowFail) throw new ReleaseError(`git ${args.join(' ')} failed:\n${r.stderr.trim()}`);
  return r.status === 0 ? r.stdout.trim() : undefined;
}

function run(command, args, cwd) {
  // npm is a .cmd on Windows, which only a shell starts.
  const r = spawnSync(command, args, { cwd, stdio: ['ignore', 'inherit', 'inherit'], shell: process.platform === 'win32' && command === 'npm' });
  if (r.error) throw new ReleaseError(`${command} could not start: ${r.error.message}`);
  if (r.status !== 0) throw new ReleaseError(`${command} ${args.join(' ')} failed (exit ${r.status}); nothing was tagged`);
}

function parseOptions(argv) {
  try {
    const { values } = parseArgs({
      args: argv,
      options: {
        version: { type: 'string' },
        'skip-typecheck': { type: 'boolean', default: false },
        remote: { type: 'string', default: 'origin' },
        help: { type: 'boolean', short: 'h', default: false },
      },
      strict: true,
    });
    return values;
  } catch (err) {
    throw new ReleaseError(`${err.message}\n\n${usage}`);
  }
}

function releaseVersion(requested, source) {
  const fromPackage = JSON.parse(git(['show', `${source}:package.json`])).version;
  const version = requested ?? fromPackage;
  if (!/^\d+\.\d+\.\d+(-[0-9A-Za-z.-]+)?$/.test(version ?? '')) {
    throw new ReleaseError(`--version: "${version}" is not a version like 1.2.3 (or 1.2.3-rc.1)`);
  }
  if (version !== fromPackage) {
    process.stderr.write(`note: package.json at HEAD says ${fromPackage}; \`helm-canary --version\` of this release will say so too\n`);
  }
  return version;
}

// The commit a tag names, or undefined when there is no such tag.
function taggedCommit(tag) {
  return git(['rev-parse', '--quiet', '--verify', `refs/tags/${tag}^{commit}`], { allowFail: true });
}

// Builds HEAD's source in a temporary checkout (so uncommitted edits never reach a release) and
// returns the id of the tree HEAD + dist/, written through a temporary index.
function buildReleaseTree(source, { skipTypecheck }) {
  if (!existsSync(join(root, 'node_modules'))) throw new ReleaseError('node_modules is missing: run npm ci first (the build needs the dev dependencies)');
  const work = mkdtempSync(join(tmpdir(), 'helm-canary-release-'));
  const env = { GIT_INDEX_FILE: join(work, 'index') };
  const checkout = join(work, 'tree');
  try {
    mkdirSync(checkout);
    git(['read-tree', source], { env });
    git(['--work-tree', checkout, 'checkout-index', '--all'], { env });
    symlinkSync(join(root, 'node_modules'), join(checkout, 'node_modules'), 'junction');
    if (skipTypecheck) run(process.execPath, ['scripts/bundle.mjs'], checkout);
    else run('npm', ['run', 'build'], checkout);
    if (!existsSync(join(checkout, CLI_IN_TREE))) throw new ReleaseError(`the build wrote no ${CLI_IN_TREE}; nothing was tagged`);
    // dist/ is in .gitignore: -f adds it anyway, to this index only.
    git(['--work-tree', checkout, 'add', '--force', '--', 'dist'], { env });
    return git(['write-tree'], { env });
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

function tag(name, commit, message, { force }) {
  git(['tag', '--annotate', ...(force ? ['--force'] : []), '--message', message, name, commit]);
}

function release(argv) {
  const options = parseOptions(argv);
  if (options.help) {
    process.stdout.write(usage);
    return;
  }
  const source = git(['rev-parse', '--verify', 'HEAD^{commit}']);
  const version = releaseVersion(options.version, source);
  const versionTag = `v${version}`;
  const majorTag = `v${version.split('.')[0]}`;
  const short = source.slice(0, 12);

  let commit = taggedCommit(versionTag);
  let made = false;
  if (commit) {
    const parent = git(['rev-parse', '--quiet', '--verify', `${commit}^1`], { allowFail: true });
    const hasCli = git(['cat-file', '-e', `${commit}:${CLI_IN_TREE}`], { allowFail: true }) !== undefined;
    if (parent !== source || !hasCli) {
      throw new ReleaseError(
        `${versionTag} already exists and releases ${parent ? parent.slice(0, 12) : commit.slice(0, 12)}, not HEAD (${short}).\n` +
          `A released version is never moved: bump "version" in package.json (or pass --version) and run again.`,
      );
    }
    process.stdout.write(`${versionTag} already releases ${short}: nothing rebuilt\n`);
  } else {
    if (git(['status', '--porcelain', '--untracked-files=no'])) {
      process.stderr.write(`note: the working tree has uncommitted changes; the release is built from HEAD (${short}) without them\n`);
    }
    const tree = buildReleaseTree(source, { skipTypecheck: options['skip-typecheck'] });
    commit = git(['commit-tree', tree, '-p', source, '-F', '-'], {
      input: `Release ${versionTag}: ${short} with dist/ built\n\nThe tree of ${source} plus the bundle built from it, for helm plugin\ninstall and GitHub Actions uses: at this tag. Made by scripts/release-ref.mjs.\n`,
    });
    tag(versionTag, commit, `helm-canary ${version}`, { force: false });
    made = true;
  }
  const previousMajor = taggedCommit(majorTag);
  if (previousMajor !== commit) tag(majorTag, commit, `helm-canary ${version} (latest ${majorTag}.x)`, { force: true });

  const remote = options.remote;
  process.stdout.write(
    [
      made ? `Released helm-canary ${version}: commit ${commit.slice(0, 12)} = ${short} + dist/` : '',
      `  ${versionTag} -> ${commit.slice(0, 12)}`,
      `  ${majorTag} -> ${commit.slice(0, 12)}${previousMajor && previousMajor !== commit ? ` (moved from ${previousMajor.slice(0, 12)})` : previousMajor ? '' : ' (new)'}`,
      'Push both tags (the major tag moves, hence --force):',
      `  git push ${remote} refs/tags/${versionTag}`,
      `  git push --force ${remote} refs/tags/${majorTag}`,
      '',
    ]
      .filter((line, i) => i > 0 || line)
      .join('\n'),
  );
}

try {
  release(process.argv.slice(2));
} catch (err) {
  if (!(err instanceof ReleaseError)) throw err;
  process.stderr.write(`release-ref: ${err.message}\n`);
  process.exitCode = 1;
}
