import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { execa } from 'execa';
import { cliPath } from '../helpers/run-cli.js';
import { givenCluster, withoutPodFaults, REPOSITORY, type Env } from '../helpers/e2e.js';

describe('behaviour pipelines rely on', () => {
  let env: Env;
  before(async () => {
    env = await givenCluster(4, { config: { helm: { timeout: '30s' } } });
    assert.equal((await env.cli(['deploy', '--tag', '1.0'])).exitCode, 0);
  });
  after(() => env.stop());

  it('treats a re-run of promote --to the current stage as done', async () => {
    assert.equal((await env.cli(['start', '--new-tag', '2.0'])).exitCode, 0);
    assert.equal((await env.cli(['promote', '--to', '3'])).exitCode, 0);
    const again = await env.cli(['promote', '--to', '3', '--yes']);
    assert.equal(again.exitCode, 0, again.stderr);
    assert.match(again.stderr, /already at stage 3 \(canary 90 %\): nothing to apply/);
    // the stage-2 job (start) re-run while the rollout of the same tag is further on
    const startAgain = await env.cli(['start', '--new-tag', '2.0', '--yes']);
    assert.equal(startAgain.exitCode, 0, startAgain.stderr);
    assert.match(startAgain.stderr, /the rollout of productpage to 2\.0 is already at stage 3: nothing to apply/);
    assert.equal((await env.observe()).record!.stage, 3);
    assert.equal((await env.cli(['promote', '--to', '7'])).exitCode, 0);
    const last = await env.cli(['promote', '--to', '7']);
    assert.equal(last.exitCode, 0, last.stderr);
    assert.match(last.stderr, /already completed its rollout at stage 7/);
    assert.equal((await env.observe()).record!.phase, 'completed');
  });

  it('records a stage that a killed run applied but did not record, and stops there for a person to judge it', async () => {
    // The state a promote leaves when killed after its last apply: cluster at 3, record at 2.
    assert.equal((await env.cli(['start', '--new-tag', '2.5'])).exitCode, 0);
    assert.equal((await env.cli(['promote'])).exitCode, 0);
    const cm = await env.get('configMap', `helm-canary-${env.release}`);
    const record = JSON.parse(cm.data['record.json']);
    Object.assign(record, { stage: 2, phase: 'promoting', target: 3, history: record.history.slice(0, -1) });
    cm.data['record.json'] = JSON.stringify(record);
    await env.put('configMap', cm);

    const r = await env.cli(['promote']);
    assert.equal(r.exitCode, 0, r.stderr);
    assert.match(r.stderr, /stage 3 \(canary 90 %\) was applied by an interrupted run, and its pods are ready; recorded it/);
    const after = JSON.parse((await env.get('configMap', `helm-canary-${env.release}`)).data['record.json']);
    // The killed run was taking the release to stage 3: nobody has judged stage 3 yet, so no stage 4.
    assert.equal(after.stage, 3);
    assert.equal((await env.observe()).weights.canary, 90);
    assert.deepEqual(after.history.filter((h: any) => h.action === 'promote').map((h: any) => `${h.from}->${h.to}`), ['1->2', '2->3']);
    assert.equal((await env.cli(['rollback'])).exitCode, 0);
  });

  it('gives the lease back when cancelled (SIGTERM), so a rollback can follow at once', async (t) => {
    if (withoutPodFaults(t, env)) return;
    await env.world.setImageBehaviour(`${REPOSITORY}:stuck`, 'never-ready');
    const child = execa(process.execPath, [cliPath, 'start', '--new-tag', 'stuck'], { cwd: env.dir, env: env.env, reject: false });
    for (let i = 0; i < 400 && (await env.observe()).record?.newTag !== 'stuck'; i++) await sleep(25);
    await sleep(300);
    child.kill('SIGTERM');
    const ended = await child;
    assert.equal(ended.exitCode, 143, `${ended.signal} ${ended.stderr}`);
    // helm was killed with it (same signal to the child is not guaranteed): clear any pending state
    const r = await env.cli(['rollback', '--recover']);
    assert.doesNotMatch(r.stderr, /locked by/);
    assert.equal(r.exitCode, 0, r.stderr);
    assert.equal((await env.observe()).production.image, `${REPOSITORY}:2.0`);
  });

  it('start --to goes through every stage without a gate, and refuses a stage past the plan first', async () => {
    const bad = await env.cli(['start', '--new-tag', '9.0', '--to', '8']);
    assert.equal(bad.exitCode, 2);
    assert.match(bad.stderr, /--to: stage 8 does not exist/);
    assert.notEqual((await env.observe()).record?.newTag, '9.0', 'no record written');
    const r = await env.cli(['start', '--new-tag', '9.0', '--to', '7']);
    assert.equal(r.exitCode, 0, r.stderr);
    assert.equal((await env.observe()).record!.phase, 'completed');
    assert.equal((await env.observe()).production.image, `${REPOSITORY}:9.0`);
  });

  it('status --all lists every recorded release of the namespace without a config', async () => {
    const other = await givenCluster(4, { release: 'cart' });
    try {
      // a second release in the same cluster and namespace as the first one's? use the other env's cluster
      assert.equal((await other.cli(['deploy', '--tag', '5.0'])).exitCode, 0);
      assert.equal((await other.cli(['start', '--new-tag', '5.1'])).exitCode, 0);
      const r = await other.cli(['status', '--all', '-n', other.namespace, '-o', 'json', '-f', '/dev/null']);
      assert.equal(r.exitCode, 0, r.stderr);
      const all = JSON.parse(r.stdout);
      assert.deepEqual(all.map((s: any) => [s.release, s.stage.number, s.phase, s.canary.weight]), [['cart', 2, 'in-progress', 10]]);
      const text = await other.cli(['status', '--all', '-n', other.namespace]);
      assert.match(text.stdout, /^release\s+stage\s+phase/m);
      assert.match(text.stdout, /^cart\s+2\/7 canary 10 %\s+in-progress\s+5\.0\s+5\.1/m);
    } finally {
      await other.stop();
    }
  });
});
