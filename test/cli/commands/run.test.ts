// `helm-canary run` run in-process over the fakes: who answers the gate comes from the CLI's deps
// (a person at a terminal, or nobody), and the output is exact.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { ScriptedApprover } from '../fakes/scripted-approver.js';
import { CliHarness, lines } from './harness.js';

describe('helm-canary run', () => {
  it('without a terminal and without --yes: exit 2 before touching the cluster, saying what to use instead', async () => {
    const h = await new CliHarness().given(['deploy', '--tag', 'v1']);
    const r = await h.run(['run', '--new-tag', 'v2']);
    assert.deepEqual(r, {
      exitCode: 2,
      stdout: '',
      stderr: lines(
        'error: run asks a person before each stage, and there is no terminal to ask on',
        '  in a pipeline use: helm-canary start --new-tag TAG, then helm-canary promote (one stage per approval)',
        '  or pass --yes to promote through every stage without asking',
      ),
    });
    assert.equal(h.world.records.current(), undefined);
  });

  it('a person who holds at stage 2: the status, how to resume, exit 0', async () => {
    const h = await new CliHarness().given(['deploy', '--tag', 'v1']);
    const person = new ScriptedApprover(['hold']);
    const r = await h.run(['run', '--new-tag', 'v2'], { approver: person });
    assert.deepEqual(person.asked, ['stage 2: promote to stage 3 (canary 90 %) | roll back to v1 | hold (exit; resume later with run or promote)']);
    assert.equal(
      r.stderr,
      lines(
        'rollout of web recorded: v1 -> v2 (plan seven-stage)',
        '... stage 2 (canary 10 %) step 1/2: canary tag v1 -> v2, replicas 0 -> 2',
        'done stage 2 (canary 10 %) step 1/2: canary tag v1 -> v2, replicas 0 -> 2 (5.0s)',
        '... stage 2 (canary 10 %) step 2/2: traffic 100/0 -> 90/10',
        'done stage 2 (canary 10 %) step 2/2: traffic 100/0 -> 90/10 (0.0s)',
        'stage 2 of 7 (canary 10 %) is in place',
        'holding at stage 2; resume with: helm-canary run, or helm-canary promote',
      ),
    );
    assert.equal(
      r.stdout,
      // The gate sets the status apart from the prompt with a blank line on each side.
      lines(
        '',
        'Release web in namespace shop',
        '  stage      2 of 7: canary 10 % (in-progress; at stage 2)',
        '  tags       stable v1 -> new v2',
        '  production web-production  registry.example/web:v1  ready 2/2  weight 90 %',
        '  canary     web-canary  registry.example/web:v2  ready 2/2  weight 10 %',
        '  started    2026-01-01T00:00:02.000Z by model@ci (plan seven-stage)',
        '  last move  2026-01-01T00:00:07.000Z',
        '  helm       revision 3, deployed',
        '  next       promote to stage 3 (canary 90 %) | rollback',
        '',
      ),
    );
    assert.equal(r.exitCode, 0);
  });
});
