import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { execa } from 'execa';
import { KINDS } from '../../sim/store/resources.js';
import { cliPath } from '../helpers/run-cli.js';
import { givenCluster, stageShape, HELM_MAJORS, REPOSITORY, type Env } from '../helpers/e2e.js';

const STABLE = 'P 1.0/2/100 C 1.0/0/0';

for (const helm of HELM_MAJORS) {
  describe(`failures with helm ${helm}`, () => {
    let env: Env;
    before(async () => {
      env = await givenCluster(helm, { config: { helm: { timeout: '4s' } } });
      assert.equal((await env.cli(['deploy', '--tag', '1.0'])).exitCode, 0);
    });
    after(() => env.stop());

    it('fails a stage clearly when the canary never becomes ready, and keeps the record consistent', async () => {
      env.cluster.faults.setImageBehaviour(`${REPOSITORY}:bad`, 'never-ready');
      const r = await env.cli(['start', '--new-tag', 'bad']);
      assert.equal(r.exitCode, 1, r.stderr);
      assert.match(r.stderr, /stage 2 \(canary 10 %\) step 1\/2 \(canary tag 1\.0 -> bad, replicas 0 -> 2\): pods not ready within 4s/);
      assert.match(r.stderr, /canary Deployment productpage-canary has 0\/2 ready replicas at acr\.io\/bookinfo\/productpage:bad/);
      const o = env.observe();
      assert.equal(o.record!.phase, 'failed');
      assert.equal(o.record!.stage, 1);
      // the broken canary pods never got traffic: the weight moves only after they are ready
      assert.deepEqual(o.weights, { production: 100, canary: 0 });
      const status = JSON.parse((await env.cli(['status', '-o', 'json'])).stdout);
      assert.equal(status.phase, 'failed');
      assert.match(status.record.lastError, /pods not ready within 4s/);
      const rolledBack = await env.cli(['rollback']);
      assert.equal(rolledBack.exitCode, 0, rolledBack.stderr);
      assert.equal(stageShape(env.observe()), STABLE);
    });

    it('rolls back by itself with --rollback-on-failure (exit 5)', async () => {
      const r = await env.cli(['start', '--new-tag', 'bad', '--rollback-on-failure']);
      assert.equal(r.exitCode, 5, r.stderr);
      assert.match(r.stderr, /rolled back to 1\.0/);
      assert.equal(stageShape(env.observe()), STABLE);
      assert.equal(env.observe().record!.phase, 'rolled-back');
    });

    it('blocks promote when the VirtualService was edited by hand, shows the difference, and --force overrides', async () => {
      assert.equal((await env.cli(['start', '--new-tag', '2.0'])).exitCode, 0);
      const vs = env.cluster.store.get(KINDS.virtualService, env.namespace, env.release) as any;
      vs.spec.http[0].route[0].weight = 70;
      vs.spec.http[0].route[1].weight = 30;
      env.cluster.store.update(KINDS.virtualService, vs);
      const r = await env.cli(['promote']);
      assert.equal(r.exitCode, 4);
      assert.match(r.stderr, /no longer matches stage 2 \(canary 10 %\)/);
      assert.match(r.stderr, /production\.weight: record says 90, cluster has 70/);
      assert.match(r.stderr, /canary\.weight: record says 10, cluster has 30/);
      assert.equal(env.observe().weights.canary, 30, 'nothing applied');
      const forced = await env.cli(['promote', '--force']);
      assert.equal(forced.exitCode, 0, forced.stderr);
      assert.equal(stageShape(env.observe()), 'P 1.0/2/10 C 2.0/2/90');
      assert.equal((await env.cli(['rollback'])).exitCode, 0);
    });

    it('lets exactly one of two concurrent promotes proceed', async () => {
      assert.equal((await env.cli(['start', '--new-tag', '3.0'])).exitCode, 0);
      const [a, b] = await Promise.all([env.cli(['promote']), env.cli(['promote'])]);
      const codes = [a.exitCode, b.exitCode].sort();
      assert.deepEqual(codes, [0, 4], `${a.stderr}\n${b.stderr}`);
      const loser = a.exitCode === 4 ? a : b;
      assert.match(loser.stderr, /locked by .*pid \d+/);
      assert.equal(env.observe().record!.stage, 3);
      assert.equal((await env.cli(['rollback'])).exitCode, 0);
    });

    it('resumes from a second process after the first was killed mid-stage', async () => {
      assert.equal((await env.cli(['start', '--new-tag', '4.0'])).exitCode, 0);
      const ttl = { HELM_CANARY_LOCK_TTL_SECONDS: '2' };
      const child = execa(process.execPath, [cliPath, 'promote', '--to', '6'], { cwd: env.dir, env: { ...env.env, ...ttl }, reject: false });
      // Kill it once stage 4 is being applied.
      for (let i = 0; i < 400 && !(env.observe().record?.phase === 'promoting' && (env.observe().record as any).stage >= 3); i++) await sleep(25);
      child.kill('SIGKILL');
      await child;
      // helm, if it was running, finishes on its own; wait for the release not to be pending.
      for (let i = 0; i < 200; i++) {
        const s = JSON.parse((await env.cli(['status', '-o', 'json'])).stdout);
        if (!String(s.helm?.status).startsWith('pending')) break;
        await sleep(100);
      }
      const status = JSON.parse((await env.cli(['status', '-o', 'json'])).stdout);
      assert.ok(status.lock === null || /pid \d+/.test(status.lock.holder));
      // the killed run's lease expires by itself; then promote continues where it stopped
      let resumed = await env.cli(['promote', '--to', '6'], ttl);
      for (let i = 0; i < 40 && resumed.exitCode === 4 && /locked by/.test(resumed.stderr); i++) {
        await sleep(250);
        resumed = await env.cli(['promote', '--to', '6'], ttl);
      }
      assert.equal(resumed.exitCode, 0, resumed.stderr);
      assert.equal(stageShape(env.observe()), 'P 4.0/2/100 C 4.0/2/0');
      assert.equal(env.observe().record!.stage, 6);
      assert.equal((await env.cli(['rollback'])).exitCode, 0);
    });
  });
}
