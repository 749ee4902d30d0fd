// npm run release:ref (scripts/release-ref.mjs) in a repository holding this checkout's source:
// the release commit is HEAD's tree plus dist/, a child of HEAD, tagged v<version> and v<major>;
// the branch, the index and the working tree are as they were; uncommitted edits stay out of it;
// the tagged tree runs with node alone; re-running a released version is a no-op, and a released
// version is never moved to another commit.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { appendFileSync, existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { makeSourceRepo, runRelease, type SourceRepo } from './source-repo.js';
import { supportedNode } from './supported-node.js';

let repo: SourceRepo;
let version: string;

// Everything a release must leave alone, in a form assert.deepEqual can compare.
function repoState(r: SourceRepo) {
  return {
    branch: r.git('symbolic-ref', 'HEAD'),
    head: r.git('rev-parse', 'HEAD'),
    index: createHash('sha256').update(readFileSync(join(r.dir, '.git', 'index'))).digest('hex'),
    status: r.git('status', '--porcelain', '--untracked-files=all'),
    worktreeHasDist: existsSync(join(r.dir, 'dist')),
  };
}

before(() => {
  repo = makeSourceRepo();
  version = JSON.parse(readFileSync(join(repo.dir, 'package.json'), 'utf8')).version;
});
after(() => repo.cleanup());

describe('release:ref', () => {
  it('tags HEAD + dist/ as v<version> and v<major>, leaving branch, index and working tree as they were', () => {
    const before = repoState(repo);
    const run = runRelease(repo);
    assert.equal(run.exitCode, 0, run.stderr);
    const [major] = version.split('.');
    const released = repo.git('rev-parse', `v${version}^{commit}`);
    assert.equal(repo.git('rev-parse', `v${major}^{commit}`), released, 'the major tag names the same commit');
    assert.equal(repo.git('rev-parse', `${released}^1`), before.head, "the release's parent is the source commit");
    assert.equal(repo.git('rev-list', '--count', released), '2');
    // the source, and what the plugin and the action run
    const tree = repo.git('ls-tree', '-r', '--name-only', released).split('\n');
    for (const path of ['dist/bin/helm-canary.mjs', 'src/cli/main.ts', 'plugin.yaml', 'completion.yaml', 'plugin.complete', 'action.yml', 'package.json']) {
      assert.ok(tree.includes(path), `${path} is in the release tree`);
    }
    assert.ok(tree.some((p) => p.startsWith('dist/bin/chunks/')), 'the bundle chunks are in the release tree');
    // nothing but dist/ differs from the source commit
    const changed = repo.git('diff', '--name-only', before.head, released).split('\n');
    assert.deepEqual(changed.filter((p) => !p.startsWith('dist/')), []);
    // executables stay executable (helm runs plugin.complete and the hook scripts directly)
    assert.match(repo.git('ls-tree', released, 'plugin.complete'), /^100755 /);
    assert.deepEqual(repoState(repo), before);
    assert.match(run.stdout, new RegExp(`git push origin refs/tags/v${version.replaceAll('.', '\\.')}\\n`));
    assert.match(run.stdout, new RegExp(`git push --force origin refs/tags/v${major}\\n`));
  });

  it("the tagged tree's CLI runs with node alone (no node_modules)", () => {
    const out = join(repo.dir, '..', 'exported');
    mkdirSync(out);
    execFileSync('sh', ['-c', `git archive v${version} | tar -x -C "${out}"`], { cwd: repo.dir });
    assert.equal(existsSync(join(out, 'node_modules')), false);
    const printed = execFileSync(supportedNode(), [join(out, 'dist', 'bin', 'helm-canary.mjs'), '--version'], { encoding: 'utf8', cwd: out });
    assert.equal(printed.trim(), version);
  });

  it('is idempotent for a version that already releases HEAD: nothing rebuilt, the tags unchanged', () => {
    const tagged = repo.git('rev-parse', `v${version}`);
    const before = repoState(repo);
    const run = runRelease(repo);
    assert.equal(run.exitCode, 0, run.stderr);
    assert.match(run.stdout, new RegExp(`v${version.replaceAll('.', '\\.')} already releases ${before.head.slice(0, 12)}: nothing rebuilt`));
    assert.equal(repo.git('rev-parse', `v${version}`), tagged);
    assert.deepEqual(repoState(repo), before);
  });

  it('refuses to move a released version to a new commit; a new version leaves uncommitted edits out and moves the major tag', () => {
    const [major] = version.split('.');
    const first = repo.git('rev-parse', `v${version}^{commit}`);
    const firstSource = repo.git('rev-parse', `${first}^1`);
    appendFileSync(join(repo.dir, 'README.md'), '\nA committed change after the release.\n');
    repo.git('commit', '--quiet', '--all', '--message', 'after the release');
    const refused = runRelease(repo);
    assert.equal(refused.exitCode, 1);
    assert.match(refused.stderr, new RegExp(`v${version.replaceAll('.', '\\.')} already exists and releases ${firstSource.slice(0, 12)}, not HEAD`));
    assert.match(refused.stderr, /bump "version" in package\.json \(or pass --version\)/);
    assert.equal(repo.git('rev-parse', `v${version}^{commit}`), first);

    appendFileSync(join(repo.dir, 'README.md'), 'UNCOMMITTED EDIT\n');
    const before = repoState(repo);
    const next = runRelease(repo, '--version', '99.0.0-test.1');
    assert.equal(next.exitCode, 0, next.stderr);
    assert.match(next.stderr, /uncommitted changes; the release is built from HEAD/);
    const second = repo.git('rev-parse', 'v99.0.0-test.1^{commit}');
    assert.equal(repo.git('rev-parse', `${second}^1`), before.head);
    assert.doesNotMatch(repo.git('show', `${second}:README.md`), /UNCOMMITTED EDIT/);
    assert.match(readFileSync(join(repo.dir, 'README.md'), 'utf8'), /UNCOMMITTED EDIT\n$/);
    assert.equal(repo.git('rev-parse', 'v99^{commit}'), second);
    assert.equal(repo.git('rev-parse', `v${major}^{commit}`), first, 'another major tag is not touched');
    assert.deepEqual(repoState(repo), before);
  });

  it('rejects a version that is not X.Y.Z', () => {
    const run = runRelease(repo, '--version', 'latest');
    assert.equal(run.exitCode, 1);
    assert.match(run.stderr, /--version: "latest" is not a version like 1\.2\.3/);
  });
});
