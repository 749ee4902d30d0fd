// How the CLI ends: JSON errors chosen by the parsed --output option, a closed stdout, Ctrl-C at
// the `run` prompt, the README's exit codes, the rollback hint of a failed stage, and a promote of
// a release that does not exist (issue 10, defects 8, 10 and 13).
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { cliPath, repoRoot, runCli } from '../helpers/run-cli.js';
import { givenCluster, stageShape, type Env } from '../helpers/e2e.js';
import { reportError } from '../../src/cli/report-error.js';
import { EXIT } from '../../src/cli/errors.js';
import { BlockedError, StageFailedError } from '../../src/rollout/rollout-errors.js';

let empty: string;
before(() => {
  empty = mkdtempSync(join(tmpdir(), 'hc-exits-'));
});
after(() => rmSync(empty, { recursive: true, force: true }));

/** cli runs the built CLI in a directory with no canary.yaml. */
const cli = (args: string[]) => runCli(args, { cwd: empty });

function jsonError(stdout: string): { message: string; details: string[]; exitCode: number } {
  const doc = JSON.parse(stdout);
  assert.ok(doc.error, stdout);
  return doc.error;
}

describe('JSON errors follow the parsed --output option (defect 8)', () => {
  for (const flag of [['--output=json'], ['-o', 'json'], ['-ojson'], ['--output', 'json']]) {
    it(`a config error under plan ${flag.join(' ')} is JSON on stdout`, async () => {
      const r = await cli(['plan', ...flag]);
      assert.equal(r.exitCode, 2, r.stderr);
      const e = jsonError(r.stdout);
      assert.equal(e.exitCode, 2);
      assert.match(r.stderr, /^error: /);
    });
  }

  it('an option value "json" is no request for JSON (plan --release json)', async () => {
    const r = await cli(['plan', '--release', 'json']);
    assert.equal(r.exitCode, 2);
    assert.equal(r.stdout, '');
    assert.match(r.stderr, /^error: invalid configuration/);
  });

  it('a usage error under deploy -o json / --output=json is JSON too', async () => {
    for (const args of [['deploy', '-o', 'json'], ['deploy', '--output=json'], ['deploy', '--bogus', '-o', 'json']]) {
      const r = await cli(args);
      assert.equal(r.exitCode, 2, `${args.join(' ')}: ${r.stderr}`);
      const e = jsonError(r.stdout);
      assert.equal(e.exitCode, 2);
      assert.match(e.message, /^(required option '--tag <tag>' not specified|unknown option '--bogus')$/);
      assert.match(r.stderr, /^error: /);
    }
  });

  it('a usage error without -o json prints no JSON (deploy --release json)', async () => {
    const r = await cli(['deploy', '--release', 'json']);
    assert.equal(r.exitCode, 2);
    assert.equal(r.stdout, '');
    assert.match(r.stderr, /required option '--tag <tag>' not specified/);
  });
});

describe('a closed stdout ends the process quietly (defect 10)', () => {
  // `| true` closes the pipe before the CLI writes; `| head -1` after the first line.
  for (const reader of ['true', 'head -1']) {
    it(`helm-canary --help | ${reader}: exit 0 and nothing on stderr, every run`, async () => {
      for (let i = 0; i < 5; i++) {
        const script = `'${process.execPath}' '${cliPath}' --help 2>"$ERR" | ${reader} >/dev/null; echo "\${PIPESTATUS[0]}"`;
        const errFile = join(empty, `err-${i}`);
        const r = await execa('bash', ['-c', script], { env: { ERR: errFile }, reject: false });
        assert.equal(r.stdout.trim(), '0', readFileSync(errFile, 'utf8'));
        assert.equal(readFileSync(errFile, 'utf8'), '');
      }
    });
  }
});

describe("the README's exit codes (defect 10)", () => {
  it('lists 6 (status --wait-for timed out), 70, 130 and 143', () => {
    const readme = readFileSync(join(repoRoot, 'README.md'), 'utf8');
    const section = readme.slice(readme.indexOf('## Exit codes'), readme.indexOf('\n## ', readme.indexOf('## Exit codes') + 1));
    const codes = [...section.matchAll(/^\| (\d+) \|/gm)].map((m) => Number(m[1]));
    assert.deepEqual(codes, [0, 1, 2, 3, 4, 5, 6, 70, 130, 143]);
    assert.match(section, /\| 6 \| `status --wait-for`: the phase was not reached within `--timeout`/);
    assert.match(section, /\| 70 \| internal error/);
    assert.match(section, /\| 130 \| interrupted by SIGINT/);
    assert.match(section, /\| 143 \| terminated by SIGTERM/);
  });
});

describe("--help's exit codes", () => {
  it('names every code the CLI can exit with', async () => {
    const r = await cli(['--help']);
    assert.equal(r.exitCode, 0, r.stderr);
    const section = r.stdout.slice(r.stdout.indexOf('Exit codes:'));
    const listed = [...section.matchAll(/(?:^|[:,]) *(\d+) [a-z]/gm)].map((m) => Number(m[1]));
    assert.deepEqual(listed, Object.values(EXIT), section);
  });
});

describe('--yes says what it does on each command (defect 11)', () => {
  it('only run says it promotes through every stage', async () => {
    const yesHelp = async (command: string) => {
      const r = await cli([command, '--help']);
      assert.equal(r.exitCode, 0, r.stderr);
      return r.stdout.slice(r.stdout.indexOf('--yes')).split(/\n\s+-/)[0]!.replace(/\s+/g, ' ');
    };
    assert.match(await yesHelp('run'), /promote through every stage/);
    for (const command of ['deploy', 'start', 'promote', 'rollback']) {
      const text = await yesHelp(command);
      assert.doesNotMatch(text, /promote/, `${command}: ${text}`);
      assert.match(text, /this command never asks/, `${command}: ${text}`);
    }
  });
});

/** printed runs reportError and returns what it wrote on stderr and stdout. */
function printed(err: unknown, json = false): { code: number; stderr: string; stdout: string } {
  const out = { stderr: '', stdout: '' };
  const { stderr, stdout } = process;
  const write = (key: 'stderr' | 'stdout') => (chunk: string) => {
    out[key] += chunk;
    return true;
  };
  const [e, o] = [stderr.write, stdout.write];
  stderr.write = write('stderr') as typeof stderr.write;
  stdout.write = write('stdout') as typeof stdout.write;
  try {
    const code = reportError(err, json, {});
    return { code, ...out };
  } finally {
    stderr.write = e;
    stdout.write = o;
  }
}

describe('a failed stage suggests the rollback (defect 13)', () => {
  it('a stage that failed in place ends with the rollback hint', () => {
    const r = printed(new StageFailedError('stage 3 (canary 90 %): helm upgrade failed', ['UPGRADE FAILED: timed out']));
    assert.equal(r.code, 1);
    assert.equal(r.stderr, 'error: stage 3 (canary 90 %): helm upgrade failed\n  UPGRADE FAILED: timed out\n  roll back with: helm-canary rollback\n');
  });

  it('in JSON mode the hint is among the details', () => {
    const r = printed(new StageFailedError('stage 2 (canary 10 %) is not in place'), true);
    assert.deepEqual(JSON.parse(r.stdout).error.details, ['roll back with: helm-canary rollback']);
  });

  it('a stage rolled back already (exit 5), another error, or a message with the hint gets none', () => {
    const rolledBack = printed(new StageFailedError('stage 3 failed and the release was rolled back to 83: x', ['y'], true));
    assert.equal(rolledBack.code, 5);
    assert.doesNotMatch(rolledBack.stderr, /helm-canary rollback/);
    assert.doesNotMatch(printed(new BlockedError('locked')).stderr, /helm-canary rollback/);
    const hinted = printed(new StageFailedError('not in place', ['roll back with: helm-canary rollback']));
    assert.equal(hinted.stderr.match(/helm-canary rollback/g)?.length, 1);
  });
});

const DOWN = '\x1b[B';
const CTRL_C = '\x03';

/** onTerminal runs `helm-canary args` on a pseudo-terminal (util-linux `script`), typing `keys` once `prompt` shows. */
async function onTerminal(env: Env, args: string[], prompt: RegExp, keys: string): Promise<{ exitCode: number; screen: string }> {
  const command = [process.execPath, cliPath, ...args].map((w) => `'${w}'`).join(' ');
  const child = execa('script', ['-qfec', command, '/dev/null'], { cwd: env.dir, env: { ...env.env, CI: '' }, reject: false, stdin: 'pipe' });
  let screen = '';
  let typed = false;
  child.stdout!.on('data', (chunk: Buffer) => {
    screen += chunk.toString();
    if (!typed && prompt.test(screen)) {
      typed = true;
      setTimeout(() => child.stdin!.write(keys), 50);
    }
  });
  const result = await child;
  assert.ok(typed, `the prompt showed; screen:\n${screen}`);
  return { exitCode: result.exitCode ?? -1, screen };
}

describe('on a cluster', () => {
  let env: Env;
  before(async () => {
    env = await givenCluster(4);
    assert.equal((await env.cli(['deploy', '--tag', '1.0'])).exitCode, 0);
  });
  after(() => env?.stop());

  it('promote of a release that does not exist is exit 2, naming release and namespace (defect 13)', async () => {
    const r = await env.cli(['promote', '--release', 'ghost']);
    assert.equal(r.exitCode, 2, r.stderr);
    assert.match(r.stderr, /^error: release ghost not found in namespace shop\n/);
  });

  it('promote of an installed release with no rollout stays exit 4', async () => {
    const r = await env.cli(['promote']);
    assert.equal(r.exitCode, 4, r.stderr);
    assert.match(r.stderr, /no rollout of productpage is in progress/);
  });

  it('Ctrl-C at the run prompt exits 130 and leaves the rollout where it is (defect 10)', async () => {
    assert.equal((await env.cli(['start', '--new-tag', '2.0'])).exitCode, 0);
    const r = await onTerminal(env, ['run'], /Stage 2 of 7 \(canary 10 %\) is in place\. What next\?/, DOWN + CTRL_C);
    assert.equal(r.exitCode, 130, r.screen);
    assert.match(r.screen, /interrupted: the rollout stays where it is/);
    assert.match(r.screen, /resume with: helm-canary run/);
    assert.equal(stageShape(await env.observe()), 'P 1.0/2/90 C 2.0/2/10');
    assert.equal((await env.observe()).record!.phase, 'in-progress');
  });
});
