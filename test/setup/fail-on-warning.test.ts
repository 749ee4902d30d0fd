// The warnings check of `npm test` (fail-on-warning.mjs) fails a run for a warning in a test file
// and in any process a test spawns, even one whose exit code the test expected.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { execa } from 'execa';
import { repoRoot } from '../helpers/run-cli.js';

const preload = join(repoRoot, 'test', 'setup', 'fail-on-warning.mjs');
const dir = mkdtempSync(join(tmpdir(), 'hc-warnings-'));
after(() => rmSync(dir, { recursive: true, force: true }));

// A test file whose one test passes; `body` runs inside it.
function testFile(name: string, body: string): string {
  const file = join(dir, `${name}.test.mjs`);
  writeFileSync(file, `import assert from 'node:assert/strict';\nimport { spawnSync } from 'node:child_process';\nimport { it } from 'node:test';\nit('passes', () => {\n${body}\n});\n`);
  return file;
}

// Runs `file` the way `npm test` runs the suite, as a run of its own: this run's warnings log and
// NODE_OPTIONS are left out, so the fixture's deliberate warnings do not fail this run.
async function runAsNpmTest(file: string): Promise<{ exitCode: number; output: string }> {
  const env = { ...process.env };
  delete env.HELM_CANARY_TEST_WARNINGS_LOG;
  delete env.NODE_OPTIONS;
  delete env.NODE_TEST_CONTEXT; // else the nested runner reports to this one instead of exiting with its verdict
  const r = await execa(process.execPath, ['--import', preload, '--test', file], { env, extendEnv: false, reject: false, all: true, stdin: 'ignore' });
  return { exitCode: r.exitCode ?? -1, output: String(r.all) };
}

// A child process as tests spawn the CLI; it exits 0 unless `script` says otherwise.
const child = (script: string, expectedExit = 0) =>
  `const r = spawnSync(process.execPath, ['-e', ${JSON.stringify(script)}]);\nassert.equal(r.status, ${expectedExit});`;

describe('npm test fails on a Node warning', () => {
  it('passes a run with no warning', async () => {
    const r = await runAsNpmTest(testFile('clean', child('console.log("hello")')));
    assert.equal(r.exitCode, 0, r.output);
    assert.doesNotMatch(r.output, /Node warnings/);
  });

  it('fails a run whose test file emits a warning, naming it', async () => {
    const r = await runAsNpmTest(testFile('own', 'process.emitWarning("old API", "DeprecationWarning");'));
    assert.notEqual(r.exitCode, 0, r.output);
    assert.match(r.output, /Node warnings during the test run[\s\S]*DeprecationWarning: old API/);
  });

  it('fails a run whose spawned CLI warns and exits 0', async () => {
    const r = await runAsNpmTest(testFile('spawned', child('process.emitWarning("fetch is experimental", "ExperimentalWarning")')));
    assert.notEqual(r.exitCode, 0, r.output);
    assert.match(r.output, /ExperimentalWarning: fetch is experimental/);
  });

  it('fails a run whose spawned CLI crashes on an unhandled rejection, though the test expected exit 1', async () => {
    const r = await runAsNpmTest(testFile('rejection', child('Promise.reject(new Error("nobody waits"))', 1)));
    assert.notEqual(r.exitCode, 0, r.output);
    assert.match(r.output, /unhandled rejection: Error: nobody waits/);
  });

  it('fails a run whose spawned process leaks listeners', async () => {
    const r = await runAsNpmTest(testFile('listeners', child('const e = new (require("node:events"))(); for (let i = 0; i < 11; i++) e.on("x", () => {});')));
    assert.notEqual(r.exitCode, 0, r.output);
    assert.match(r.output, /MaxListenersExceededWarning/);
  });
});
