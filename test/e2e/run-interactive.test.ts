import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execa } from 'execa';
import { cliPath } from '../helpers/run-cli.js';
import { givenCluster, stageShape, type Env } from '../helpers/e2e.js';

const DOWN = '\x1b[B';
const ENTER = '\r';

// Runs `helm-canary run` on a pseudo-terminal (util-linux `script`), answering each prompt as
// it appears: `answers` pairs a pattern of the screen with the keys to type.
async function runOnTerminal(env: Env, args: string[], answers: [RegExp, string][]): Promise<{ exitCode: number; screen: string }> {
  const command = [process.execPath, cliPath, 'run', ...args].map((w) => `'${w}'`).join(' ');
  const child = execa('script', ['-qfec', command, '/dev/null'], { cwd: env.dir, env: { ...env.env, CI: '' }, reject: false, stdin: 'pipe' });
  let screen = '';
  let next = 0;
  let seenUpTo = 0;
  child.stdout!.on('data', (chunk: Buffer) => {
    screen += chunk.toString();
    const pending = answers[next];
    if (pending && pending[0].test(screen.slice(seenUpTo))) {
      seenUpTo = screen.length;
      next++;
      setTimeout(() => child.stdin!.write(pending[1]), 50);
    }
  });
  const result = await child;
  assert.equal(next, answers.length, `every prompt was answered; screen:\n${screen}`);
  return { exitCode: result.exitCode ?? -1, screen };
}

describe('the interactive run', () => {
  let env: Env;
  before(async () => {
    env = await givenCluster(4);
    assert.equal((await env.cli(['deploy', '--tag', '1.0'])).exitCode, 0);
  });
  after(() => env.stop());

  it('starts, promotes on request, and holds', async () => {
    const r = await runOnTerminal(env, ['--new-tag', '2.0'], [
      [/Stage 2 of 7 \(canary 10 %\) is in place\. What next\?/, ENTER], // promote to stage 3
      [/Stage 3 of 7 \(canary 90 %\) is in place\. What next\?/, DOWN + DOWN + ENTER], // hold
    ]);
    assert.equal(r.exitCode, 0, r.screen);
    assert.match(r.screen, /promote to stage 3 \(canary 90 %\)/);
    assert.match(r.screen, /holding at stage 3; resume with: helm-canary run/);
    assert.equal(stageShape(await env.observe()), 'P 1.0/2/10 C 2.0/2/90');
  });

  it('resumes the rollout and rolls back after confirmation', async () => {
    const r = await runOnTerminal(env, [], [
      [/Stage 3 of 7 \(canary 90 %\) is in place\. What next\?/, DOWN + ENTER], // roll back
      [/Roll productpage back to 1\.0, removing the canary\?/, `y${ENTER}`],
    ]);
    assert.equal(r.exitCode, 0, r.screen);
    assert.match(r.screen, /resuming the rollout of productpage: 1\.0 -> 2\.0, stage 3/);
    assert.equal(stageShape(await env.observe()), 'P 1.0/2/100 C 1.0/0/0');
    assert.equal((await env.observe()).record!.phase, 'rolled-back');
  });

  it('declining the rollback confirmation changes nothing', async () => {
    assert.equal((await env.cli(['start', '--new-tag', '3.0'])).exitCode, 0);
    const r = await runOnTerminal(env, [], [
      [/Stage 2 of 7 \(canary 10 %\) is in place\. What next\?/, DOWN + ENTER],
      [/Roll productpage back/, `n${ENTER}`],
      [/Stage 2 of 7 \(canary 10 %\) is in place\. What next\?/, DOWN + DOWN + ENTER],
    ]);
    assert.equal(r.exitCode, 0, r.screen);
    assert.equal(stageShape(await env.observe()), 'P 1.0/2/90 C 3.0/2/10');
  });

  it('never waits for input without a terminal', async () => {
    const r = await env.cli(['run']);
    assert.equal(r.exitCode, 2);
    assert.match(r.stderr, /no terminal to ask on[\s\S]*helm-canary promote[\s\S]*--yes/);
  });
});
