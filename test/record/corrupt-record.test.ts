// A rollout record edited by hand into something this build cannot use stops the command with
// exit 4, naming the ConfigMap, the wrong fields and the way out; a newer record says to upgrade.
// Runs the real runner against the in-memory fakes, and prints through the CLI's reportError.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { reportError } from '../../src/cli/report-error.js';
import type { Plan } from '../../src/engine/index.js';
import { deploy } from '../../src/rollout/deploy.js';
import { start } from '../../src/rollout/start.js';
import { readStatus } from '../../src/rollout/status.js';
import { CollectingReporter } from '../model/fakes/collecting-reporter.js';
import { createWorld, runnerContext, RUNNER_TIMINGS, type World } from '../model/fakes/index.js';
import { MODEL_RELEASE } from '../model/run-model.js';

const PLAN: Plan = { name: 'seven-stage', steps: [{ weight: 10 }, { weight: 90 }, { weight: 100 }], finalStepMustBe100: true, drainSeconds: 0 };

// run runs one runner command in `world` as the CLI would, and returns its exit code and stderr.
async function run(world: World, name: string, command: (ctx: ReturnType<typeof runnerContext>) => Promise<unknown>): Promise<{ code: number; stderr: string }> {
  const holder = `test@${name}`;
  world.beginCommand({ name, holder, dryRun: false, readOnly: name === 'status' });
  const ctx = runnerContext(world, { plan: PLAN, holder, dryRun: false, reporter: new CollectingReporter() });
  try {
    await command(ctx);
    return { code: 0, stderr: '' };
  } catch (err) {
    let stderr = '';
    const write = process.stderr.write;
    process.stderr.write = ((chunk: string) => ((stderr += chunk), true)) as typeof write;
    try {
      return { code: reportError(err, false, {}), stderr };
    } finally {
      process.stderr.write = write;
    }
  } finally {
    world.endCommand();
  }
}

async function worldInRollout(): Promise<World> {
  const world = createWorld({ ...MODEL_RELEASE, replicas: 2, lockTtlSeconds: RUNNER_TIMINGS.lockTtlSeconds });
  assert.equal((await run(world, 'deploy', (ctx) => deploy(ctx, { tag: 'v1' }))).code, 0);
  assert.equal((await run(world, 'start', (ctx) => start(ctx, { newTag: 'v2' }))).code, 0);
  return world;
}

describe('a rollout record this build cannot use', () => {
  it('edited by hand into a wrong phase and stage: exit 4, the ConfigMap, the fields, and the fixes', async () => {
    const world = await worldInRollout();
    const edited = { ...world.records.current()!, phase: 'paused', stage: 12 };
    world.records.editByHand(JSON.stringify(edited));
    const r = await run(world, 'status', (ctx) => readStatus(ctx));
    assert.equal(r.code, 4);
    assert.equal(
      r.stderr,
      [
        'error: the rollout record of web (ConfigMap shop/helm-canary-web) is corrupt or was edited by hand',
        '  phase: must be one of in-progress, promoting, rolling-back, failed, completed, rolled-back (got "paused")',
        '  fix the fields named above in record.json with: kubectl edit configmap helm-canary-web -n shop',
        "  or delete it (kubectl delete configmap helm-canary-web -n shop) and run: helm-canary rollback, which rebuilds the record from the cluster and helm's revisions",
        '',
      ].join('\n'),
    );
  });

  it('cut short (not JSON): exit 4 naming the key', async () => {
    const world = await worldInRollout();
    world.records.editByHand('{"release": "web", "sta');
    const r = await run(world, 'status', (ctx) => readStatus(ctx));
    assert.equal(r.code, 4);
    assert.match(r.stderr, /^error: the rollout record of web \(ConfigMap shop\/helm-canary-web\) is corrupt or was edited by hand\n  record\.json: is not valid JSON\n/);
  });

  it('written by a newer helm-canary: exit 4, upgrade', async () => {
    const world = await worldInRollout();
    world.records.editByHand(JSON.stringify({ ...world.records.current()!, schemaVersion: 2 }));
    const r = await run(world, 'status', (ctx) => readStatus(ctx));
    assert.equal(r.code, 4);
    assert.match(r.stderr, /^error: the rollout record of web \(ConfigMap shop\/helm-canary-web\) was written by a newer helm-canary \(record schema 2; this one reads up to 1\): upgrade helm-canary\n$/);
  });

  it('deleted, as the message advises: rollback rebuilds the record and returns to stable', async () => {
    const world = await worldInRollout();
    world.records.deleteRecord();
    const { rollback } = await import('../../src/rollout/rollback.js');
    assert.equal((await run(world, 'rollback', (ctx) => rollback(ctx, {}))).code, 0);
    assert.equal(world.records.current()?.phase, 'rolled-back');
  });
});
