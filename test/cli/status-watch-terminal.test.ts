// `status --watch` on a real pseudo-terminal (util-linux `script`) against the simulated cluster:
// the built CLI redraws in place while a promote moves the rollout, lists the pods it reads through
// the Deployments' selectors, and ends by itself when the rollout completes. Also -A through the
// real Kubernetes client. Built CLI, helm 4.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { execa } from 'execa';
import { cliPath } from '../helpers/run-cli.js';
import { shellQuote } from '../../src/text/shell-quote.js';
import { givenCluster, type Env } from '../helpers/e2e.js';

const NO_CI = { CI: '', GITHUB_ACTIONS: '', TF_BUILD: '', NO_COLOR: '', TERM: 'xterm-256color' };

describe('status --watch on a pseudo-terminal', () => {
  let env: Env;
  before(async () => {
    env = await givenCluster(4, { config: { helm: { timeout: '30s' } } });
    assert.equal((await env.cli(['deploy', '--tag', '1.0'])).exitCode, 0);
    assert.equal((await env.cli(['start', '--new-tag', '2.0'])).exitCode, 0);
  });
  after(() => env.stop());

  it('redraws as a promote moves the rollout, shows the pods, and ends when the rollout completes', async () => {
    const command = [process.execPath, cliPath, 'status', '-w', '--interval', '300ms'].map(shellQuote).join(' ');
    // script -f writes the session to a file as it happens: the promote starts once the watch has
    // drawn stage 2 there, since a watch slow to start (a loaded machine) would first see a later stage.
    const session = join(env.dir, 'watch.session');
    const watch = execa('script', ['-qfec', command, session], { cwd: env.dir, env: { ...env.env, ...NO_CI }, reject: false, stdin: 'ignore', timeout: 120_000 });
    let ended = false;
    void watch.finally(() => (ended = true));
    const drawn = () => (existsSync(session) ? readFileSync(session, 'utf8') : '');
    while (!/stage {4}2 of 7/.test(drawn())) {
      assert.equal(ended, false, `the watch ended before drawing stage 2:\n${drawn()}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    const promote = await env.cli(['promote', '--to', '7']);
    assert.equal(promote.exitCode, 0, promote.stderr);
    const r = await watch;
    const output = String(r.stdout);
    assert.equal(r.exitCode, 0, output);
    assert.match(output, /stage {4}2 of 7: canary 10 % \(in-progress/);
    assert.match(output, /stage {4}7 of 7: new stable \(completed/);
    // redrawn in place: cursor up over the previous frame, clear to the end of the screen
    assert.match(output, /\x1b\[\d+A\r\x1b\[0J/);
    assert.match(output, / {4}canary {6}productpage-canary-\S+ +2\.0 +Running +ready/);
    // a stage between the two was drawn while it happened
    assert.match(output, /stage {4}[3-6] of 7/);
  });

  it('-A lists the release of this namespace through the real client', async () => {
    const r = await env.cli(['status', '-A', '-o', 'json']);
    assert.equal(r.exitCode, 0, r.stderr);
    const found = JSON.parse(r.stdout).map((s: { namespace: string; release: string }) => `${s.namespace}/${s.release}`);
    assert.ok(found.includes(`${env.namespace}/${env.release}`), r.stdout);
  });
});
