// `helm-canary status` across namespaces (-A), as a live view (--watch) and as a wait for scripts
// (--wait-for), run in-process over the fakes on the fake clock: exact output and exit codes.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { CliHarness, lines } from './harness.js';

const AT_STAGE_2 = [['deploy', '--tag', 'v1'], ['start', '--new-tag', 'v2']];

describe('helm-canary status -A', () => {
  it('every recorded release of every namespace the user can list, with a namespace column; -o json the same statuses', async () => {
    const h = await new CliHarness().given(...AT_STAGE_2);
    const r = await h.run(['status', '-A']);
    assert.deepEqual(r, {
      exitCode: 0,
      stderr: '',
      stdout: lines(
        'namespace  release  stage            phase        stable  new  production  canary  weights',
        'shop       web      2/7 canary 10 %  in-progress  v1      v2   v1 2/2      v2 2/2  90/10',
      ),
    });
    const json = JSON.parse((await h.run(['status', '--all-namespaces', '-o', 'json'])).stdout);
    assert.deepEqual(json.map((s: { namespace: string; release: string }) => `${s.namespace}/${s.release}`), ['shop/web']);
  });

  it('no record anywhere: says so, exit 0', async () => {
    const h = await new CliHarness().given(['deploy', '--tag', 'v1']);
    assert.deepEqual(await h.run(['status', '-A']), { exitCode: 0, stderr: '', stdout: lines('no releases with a rollout record in any namespace you can list') });
  });
});

describe('helm-canary status --wait-for', () => {
  it('returns at once with the status when the phase is already reached (exit 0)', async () => {
    const h = await new CliHarness().given(...AT_STAGE_2);
    const r = await h.run(['status', '--wait-for', 'in-progress', '-o', 'json']);
    assert.equal(r.exitCode, 0);
    assert.equal(r.stderr, '');
    assert.equal(JSON.parse(r.stdout).phase, 'in-progress');
  });

  it('--timeout: says what it waited for and where the rollout is, prints the status, exit 6', async () => {
    const h = await new CliHarness().given(...AT_STAGE_2);
    const started = h.world.time;
    const r = await h.run(['status', '--wait-for', 'completed', '--timeout', '10s']);
    assert.equal(r.exitCode, 6);
    assert.match(r.stdout, /^Release web in namespace shop\n {2}stage {6}2 of 7: canary 10 %/);
    assert.equal(
      r.stderr,
      lines(
        'waiting for phase completed: web is in-progress at stage 2 of 7 (canary 10 %) (0s of 10s)',
        'error: web did not reach phase completed within 10s; it is in-progress at stage 2 of 7 (canary 10 %)',
      ),
    );
    // it waited the 10 s on the clock it was given, reading every 2 s
    assert.ok(h.world.time - started >= 10_000 && h.world.time - started < 13_000, `${h.world.time - started} ms`);
  });

  it('a rollout that ended otherwise: rolled back exit 5, failed exit 1, completed exit 4', async () => {
    const failed = await new CliHarness().given(['deploy', '--tag', 'v1']);
    assert.equal((await failed.run(['start', '--new-tag', 'never-ready'])).exitCode, 1);
    const f = await failed.run(['status', '--wait-for', 'completed']);
    assert.equal(f.exitCode, 1);
    assert.match(f.stderr, /^error: the rollout of web ended failed at stage 1 of 7 \(stable\), not completed\n$/);
    await failed.given(['rollback']);
    const rb = await failed.run(['status', '--wait-for', 'completed', '-o', 'json']);
    assert.equal(rb.exitCode, 5);
    // -o json: stdout holds one document, the error's
    assert.deepEqual(JSON.parse(rb.stdout), { error: { message: 'the rollout of web ended rolled-back at stage 1 of 7 (stable), not completed', details: [], exitCode: 5 } });
    const done = await new CliHarness().given(...AT_STAGE_2, ['promote', '--to', '7']);
    assert.equal((await done.run(['status', '--wait-for', 'rolled-back'])).exitCode, 4);
  });

  it('refuses --wait-for with --all or --watch, --timeout alone, and an unknown phase (exit 2)', async () => {
    const h = new CliHarness();
    assert.deepEqual(await h.run(['status', '--wait-for', 'completed', '--all']), { exitCode: 2, stdout: '', stderr: lines('error: --wait-for follows one release; it cannot be combined with --all') });
    assert.equal((await h.run(['status', '--wait-for', 'completed', '-w'])).exitCode, 2);
    assert.deepEqual(await h.run(['status', '--timeout', '5s']), { exitCode: 2, stdout: '', stderr: lines('error: --timeout: only with --wait-for') });
    const bad = await h.run(['status', '--wait-for', 'done']);
    assert.equal(bad.exitCode, 2);
    assert.match(bad.stderr, /Allowed choices are in-progress, promoting, rolling-back, failed, completed, rolled-back, interrupted, unrecorded/);
  });
});

describe('helm-canary status --watch', () => {
  it('a rollout that has ended: one frame (stage, each Deployment desired/updated/ready, its pods), exit 0', async () => {
    const h = await new CliHarness().given(...AT_STAGE_2, ['promote', '--to', '7']);
    const r = await h.run(['status', '-w']);
    assert.equal(r.exitCode, 0);
    assert.equal(r.stderr, '');
    assert.equal(
      r.stdout.replace(/read \d\d:\d\d:\d\d/, 'read T'),
      lines(
        'Release web in namespace shop  (read T; Ctrl-C to stop)',
        '  stage    7 of 7: new stable (completed; at stage 7)',
        '  tags     stable v1 -> new v2',
        '  DEPLOYMENT  NAME            TAG  DESIRED  UPDATED  READY  WEIGHT',
        '  production  web-production  v2   2        2        2/2    100 %',
        '  canary      web-canary      v2   0        0        0/0    0 %',
        '  pods',
        '    production  web-production-5  v2  Running  ready  restarts 0',
        '    production  web-production-6  v2  Running  ready  restarts 0',
        '  next     rollback',
      ),
    );
  });

  it('-w with --all: exit 2', async () => {
    const r = await new CliHarness().run(['status', '-w', '--all']);
    assert.deepEqual(r, { exitCode: 2, stdout: '', stderr: lines('error: --watch follows one release; it cannot be combined with --all') });
  });
});
