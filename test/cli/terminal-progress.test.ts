// Progress on a real pseudo-terminal (util-linux `script`): the built CLI draws a spinner with
// escape codes there, and none with TERM=dumb or NO_COLOR on the same terminal. Built CLI, helm 4,
// simulated cluster.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execa } from 'execa';
import { cliPath } from '../helpers/run-cli.js';
import { shellQuote } from '../../src/text/shell-quote.js';
import { givenCluster, type Env } from '../helpers/e2e.js';

// No CI around the command: the suite itself may run in one.
const NO_CI = { CI: '', GITHUB_ACTIONS: '', TF_BUILD: '', NO_COLOR: '', TERM: 'xterm-256color' };

describe('progress on a pseudo-terminal', () => {
  let env: Env;
  before(async () => {
    env = await givenCluster(4, { config: { helm: { timeout: '30s' } } });
  });
  after(() => env.stop());

  async function onTerminal(args: string[], extraEnv: Record<string, string>): Promise<{ exitCode: number; output: string }> {
    const command = [process.execPath, cliPath, ...args].map(shellQuote).join(' ');
    const r = await execa('script', ['-qec', command, '/dev/null'], { cwd: env.dir, env: { ...env.env, ...NO_CI, ...extraEnv }, reject: false, stdin: 'ignore' });
    return { exitCode: r.exitCode ?? -1, output: String(r.stdout) };
  }

  it('a terminal gets the spinner line (redrawn with escape codes) and a ✔ when the step is done', async () => {
    const r = await onTerminal(['deploy', '--tag', '1.0'], {});
    assert.equal(r.exitCode, 0, r.output);
    assert.match(r.output, /\r\x1b\[2K⠋ deploy/);
    assert.match(r.output, /\r\x1b\[2K✔ deploy/);
  });

  for (const [name, extra] of [['TERM=dumb', { TERM: 'dumb' }], ['NO_COLOR', { NO_COLOR: '1' }]] as const) {
    it(`${name} on the same terminal: plain lines, no spinner, no escape codes`, async () => {
      const r = await onTerminal(['deploy', '--tag', name === 'NO_COLOR' ? '1.2' : '1.1'], extra);
      assert.equal(r.exitCode, 0, r.output);
      assert.ok(!r.output.includes('\x1b'), JSON.stringify(r.output));
      assert.match(r.output, /^\.\.\. deploy/m);
      assert.match(r.output, /^done deploy/m);
    });
  }
});
