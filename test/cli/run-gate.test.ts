// The gate of `helm-canary run` against the in-memory fakes: it offers the engine's legal moves
// (rollback first after a failure), does what the Approver chose, and prints the status between.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { runGate } from '../../src/cli/commands/gate/gate-loop.js';
import { unattendedApprover } from '../../src/cli/commands/gate/unattended-approver.js';
import { toCliError } from '../../src/cli/to-cli-error.js';
import { deploy } from '../../src/rollout/deploy.js';
import type { Plan } from '../../src/engine/index.js';
import { CollectingReporter } from '../model/fakes/collecting-reporter.js';
import { createWorld, runnerContext, type World } from '../model/fakes/index.js';
import { ScriptedApprover } from './fakes/scripted-approver.js';

const PLAN: Plan = { name: 'half-then-all', steps: [{ weight: 50 }, { weight: 100 }], finalStepMustBe100: true, drainSeconds: 0 };
const REPO = 'registry.example/web';

/** installed is a world where web runs 1.0 at stage 1. */
async function installed(): Promise<World> {
  const world = createWorld({ release: 'web', namespace: 'shop', repository: REPO, replicas: 2, helmTimeoutMs: 300_000, lockTtlSeconds: 60 });
  const reporter = new CollectingReporter();
  world.beginCommand({ name: 'deploy', holder: 'test/deploy', dryRun: false, readOnly: false });
  await deploy(runnerContext(world, { plan: PLAN, holder: 'test/deploy', dryRun: false, reporter }), { tag: 'v1' });
  world.endCommand();
  return world;
}

/** gate runs `run` as one process over `world`; returns its stdout, progress lines and error. */
async function gate(world: World, approver: ScriptedApprover | typeof unattendedApprover, newTag?: string): Promise<{ stdout: string; lines: string[]; error?: unknown }> {
  const reporter = new CollectingReporter();
  let stdout = '';
  world.beginCommand({ name: 'run', holder: 'test/run', dryRun: false, readOnly: false });
  try {
    await runGate(runnerContext(world, { plan: PLAN, holder: 'test/run', dryRun: false, reporter }), { newTag }, approver, (text) => (stdout += text));
    return { stdout, lines: reporter.lines };
  } catch (error) {
    return { stdout, lines: reporter.lines, error };
  } finally {
    world.endCommand();
  }
}

/** stageLines are the status's "stage" lines printed, in order. */
const stageLines = (stdout: string) => stdout.split('\n').filter((l) => l.startsWith('  stage '));

describe('the run gate', () => {
  it('offers promote, rollback and hold; promoting through every stage completes the rollout', async () => {
    const world = await installed();
    const approver = new ScriptedApprover(['promote', 'promote', 'promote', 'promote']);
    const r = await gate(world, approver, 'v2');
    assert.equal(r.error, undefined);
    assert.deepEqual(approver.asked, [
      'stage 2: promote to stage 3 (canary 100 %) | roll back to v1 | hold (exit; resume later with run or promote)',
      'stage 3: promote to stage 4 (production updated) | roll back to v1 | hold (exit; resume later with run or promote)',
      'stage 4: promote to stage 5 (traffic back) | roll back to v1 | hold (exit; resume later with run or promote)',
      'stage 5: promote to stage 6 (new stable) | roll back to v1 | hold (exit; resume later with run or promote)',
    ]);
    assert.ok(approver.done);
    assert.deepEqual(stageLines(r.stdout), [
      '  stage      2 of 6: canary 50 % (in-progress; at stage 2)',
      '  stage      3 of 6: canary 100 % (in-progress; at stage 3)',
      '  stage      4 of 6: production updated (in-progress; at stage 4)',
      '  stage      5 of 6: traffic back (in-progress; at stage 5)',
      '  stage      6 of 6: new stable (completed; at stage 6)',
    ]);
    assert.equal(r.lines.at(-1), 'info: rollout complete: web runs v2 as the new stable');
    assert.equal(world.records.current()?.phase, 'completed');
  });

  it('hold leaves the rollout at its stage and says how to resume; a second run resumes it', async () => {
    const world = await installed();
    const held = await gate(world, new ScriptedApprover(['hold']), 'v2');
    assert.equal(held.error, undefined);
    assert.equal(
      held.stdout,
      [
        '',
        'Release web in namespace shop',
        '  stage      2 of 6: canary 50 % (in-progress; at stage 2)',
        '  tags       stable v1 -> new v2',
        '  production web-production  registry.example/web:v1  ready 2/2  weight 50 %',
        '  canary     web-canary  registry.example/web:v2  ready 2/2  weight 50 %',
        '  started    2026-01-01T00:00:02.000Z by model@ci (plan half-then-all)',
        '  last move  2026-01-01T00:00:07.000Z',
        '  helm       revision 3, deployed',
        '  next       promote to stage 3 (canary 100 %) | rollback',
        '',
        '',
      ].join('\n'),
    );
    assert.deepEqual(held.lines, [
      'info: rollout of web recorded: v1 -> v2 (plan half-then-all)',
      'task: stage 2 (canary 50 %) step 1/2: canary tag v1 -> v2, replicas 0 -> 2',
      '  done',
      'task: stage 2 (canary 50 %) step 2/2: traffic 100/0 -> 50/50',
      '  done',
      'info: stage 2 of 6 (canary 50 %) is in place',
      'info: holding at stage 2; resume with: helm-canary run, or helm-canary promote',
    ]);
    assert.equal(world.records.current()?.stage, 2);

    const resumed = await gate(world, new ScriptedApprover(['hold']));
    assert.equal(resumed.lines[0], 'info: resuming the rollout of web: v1 -> v2, stage 2');
    assert.deepEqual(stageLines(resumed.stdout), ['  stage      2 of 6: canary 50 % (in-progress; at stage 2)']);
  });

  it('a rollback is confirmed first: "no" goes back to the gate, "yes" rolls back and prints the status', async () => {
    const world = await installed();
    const approver = new ScriptedApprover(['rollback', false, 'rollback', true]);
    const r = await gate(world, approver, 'v2');
    assert.equal(r.error, undefined);
    assert.deepEqual(approver.asked.map((q) => q.split(':')[0]), ['stage 2', 'confirm rollback', 'stage 2', 'confirm rollback']);
    assert.equal(world.records.current()?.phase, 'rolled-back');
    assert.deepEqual(stageLines(r.stdout), [
      '  stage      2 of 6: canary 50 % (in-progress; at stage 2)',
      '  stage      2 of 6: canary 50 % (in-progress; at stage 2)',
      '  stage      1 of 6: stable (rolled-back; at stage 1)',
    ]);
  });

  it('after a failed stage the way back is offered first', async () => {
    const world = await installed();
    const failed = await gate(world, new ScriptedApprover([]), 'never-ready');
    assert.equal((toCliError(failed.error) as { exitCode: number }).exitCode, 1, 'start fails: the canary never gets ready');
    const approver = new ScriptedApprover(['hold']);
    await gate(world, approver);
    assert.match(approver.asked[0]!, /^stage 1 \(troubled\): roll back to v1 \| promote to stage 2 \(canary 50 %\) \| hold/);
  });

  it('--yes promotes through every stage without asking', async () => {
    const world = await installed();
    const r = await gate(world, unattendedApprover, 'v2');
    assert.equal(r.error, undefined);
    assert.equal(world.records.current()?.phase, 'completed');
  });

  it('a new tag while another rollout is in progress is refused (exit 2), naming both', async () => {
    const world = await installed();
    await gate(world, new ScriptedApprover(['hold']), 'v2');
    const r = await gate(world, new ScriptedApprover([]), 'v3');
    const cli = toCliError(r.error) as { message: string; exitCode: number };
    assert.equal(cli.exitCode, 2);
    assert.equal(cli.message, 'a rollout of web to v2 is in progress; finish or roll it back before releasing v3');
  });
});
