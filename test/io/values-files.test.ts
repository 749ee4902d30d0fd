// Generated values files never outlive the run that wrote them, even an interrupted one.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { privateValuesFiles, sweepOrphans } from '../../src/io/values-files.js';
import { repoRoot } from '../helpers/run-cli.js';

describe('generated values files', () => {
  it('are readable only by the user while helm reads them, and gone after', async () => {
    let seen = '';
    await privateValuesFiles.withFile('r-stage-2a.values.yaml', { a: { b: '84' } }, async (path) => {
      seen = path;
      assert.equal(statSync(path).mode & 0o777, 0o600);
      assert.match(readFileSync(path, 'utf8'), /b: "84"/);
    });
    assert.equal(existsSync(seen), false);
  });

  it('left by a run that was killed outright are removed by the next run, once that process is gone', () => {
    const dir = mkdtempSync(join(tmpdir(), 'hc-sweep-'));
    const dead = join(dir, 'helm-canary-2147483646-abc');
    const alive = join(dir, `helm-canary-${process.ppid}-def`);
    const other = join(dir, 'helm-canary-report');
    for (const d of [dead, alive, other]) {
      mkdirSync(d);
      writeFileSync(join(d, 'x.values.yaml'), 'a: 1');
    }
    sweepOrphans(dir);
    assert.equal(existsSync(dead), false, 'a dead run\'s directory is removed');
    assert.equal(existsSync(alive), true, 'a live run\'s directory stays');
    assert.equal(existsSync(other), true, 'a directory not named by a pid stays');
  });

  it('are removed when SIGINT ends the run while helm runs (process.exit skips finally blocks)', async () => {
    const script = [
      `import { privateValuesFiles } from ${JSON.stringify(join(repoRoot, 'src/io/values-files.ts'))};`,
      `process.on('SIGINT', () => process.exit(130));`,
      `await privateValuesFiles.withFile('v.yaml', { a: 1 }, async (path) => { console.log(path); await new Promise(() => setInterval(() => {}, 1000)); });`,
    ].join('\n');
    const child = execa(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { cwd: repoRoot, reject: false });
    let path = '';
    child.stdout!.on('data', (chunk: Buffer) => {
      path ||= chunk.toString().trim();
      if (path) child.kill('SIGINT');
    });
    const result = await child;
    assert.equal(result.exitCode, 130, result.stderr);
    assert.ok(path, 'the child printed its values file');
    assert.equal(existsSync(path), false, `${path} was left behind`);
  });
});
