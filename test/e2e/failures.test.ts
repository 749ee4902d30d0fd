import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { execa } from 'execa';
import { cliPath } from '../helpers/run-cli.js';
import { stageShape, withoutPodFaults, HELM_MAJORS, REPOSITORY, type Env } from '../helpers/e2e.js';
import { scenario, type Scenario } from '../helpers/given-when-then.js';

const STABLE = 'P 1.0/2/100 C 1.0/0/0';

for (const helm of HELM_MAJORS) {
  describe(`failures with helm ${helm}`, () => {
    let s: Scenario;
    let env: Env;
    before(async () => {
      s = await scenario(helm, { config: { helm: { timeout: '4s' } } });
      env = s.env;
      await s.given.deployed('1.0');
    });
    after(() => s.stop());

    it('fails a stage clearly when the canary never becomes ready, and keeps the record consistent', async (t) => {
      if (withoutPodFaults(t, env)) return;
      await s.given.imageBehaves('bad', 'never-ready');
      await s.thenExpect(await s.when('start --new-tag bad'), {
        exit: 1,
        stderr: [
          /stage 2 \(canary 10 %\) step 1\/2 \(canary tag 1\.0 -> bad, replicas 0 -> 2\): pods not ready within 4s/,
          /canary Deployment productpage-canary has 0\/2 ready replicas at acr\.io\/bookinfo\/productpage:bad/,
        ],
        record: { phase: 'failed', stage: 1 },
        // the broken canary pods never got traffic: the weight moves only after they are ready
        weights: { production: 100, canary: 0 },
      });
      await s.thenExpect(await s.when('status -o json'), { json: { phase: 'failed', 'record.lastError': /pods not ready within 4s/ } });
      await s.thenExpect(await s.when('rollback'), { exit: 0, cluster: STABLE });
    });

    it('rolls back by itself with --rollback-on-failure (exit 5)', async (t) => {
      if (withoutPodFaults(t, env)) return;
      await s.thenExpect(await s.when('start --new-tag bad --rollback-on-failure'), { exit: 5, stderr: [/rolled back to 1\.0/], cluster: STABLE, record: { phase: 'rolled-back' } });
    });

    it('rolls back in one run when the new version starts crash-looping in production (stage 5)', async (t) => {
      if (withoutPodFaults(t, env)) return;
      await s.given.rolloutAt(5, 'crashing');
      await env.world.setImageBehaviour(`${REPOSITORY}:crashing`, 'crash-loop', { existingPods: true });
      for (let i = 0; i < 200 && (await env.observe()).production.ready > 0; i++) await sleep(50);
      assert.equal((await env.observe()).production.ready, 0, 'the production pods of the crashing version stopped being ready');
      // One run, within the 4 s helm timeout of each apply: nothing waits for the crash-looping pods.
      await s.thenExpect(await s.when('rollback'), { exit: 0, cluster: STABLE, allReady: true, record: { phase: 'rolled-back' } });
    });

    it('blocks promote when the VirtualService was edited by hand, shows the difference, and --force overrides', async () => {
      await s.given.rolloutAt(2, '2.0');
      await s.given.weightsEditedByHand({ production: 70, canary: 30 });
      await s.thenExpect(await s.when('promote'), {
        exit: 4,
        stderr: [/no longer matches stage 2 \(canary 10 %\)/, /production\.weight: record says 90, cluster has 70/, /canary\.weight: record says 10, cluster has 30/],
        weights: { production: 70, canary: 30 }, // nothing applied
      });
      await s.thenExpect(await s.when('promote --force'), { exit: 0, cluster: 'P 1.0/2/10 C 2.0/2/90' });
      await s.thenExpect(await s.when('rollback'), { exit: 0 });
    });

    it('lets exactly one of two concurrent promotes proceed', async () => {
      assert.equal((await env.cli(['start', '--new-tag', '3.0'])).exitCode, 0);
      const [a, b] = await Promise.all([env.cli(['promote']), env.cli(['promote'])]);
      const codes = [a.exitCode, b.exitCode].sort();
      assert.deepEqual(codes, [0, 4], `${a.stderr}\n${b.stderr}`);
      const loser = a.exitCode === 4 ? a : b;
      assert.match(loser.stderr, /locked by .*pid \d+/);
      assert.equal((await env.observe()).record!.stage, 3);
      assert.equal((await env.cli(['rollback'])).exitCode, 0);
    });

    it('resumes from a second process after the first was killed mid-stage', async () => {
      assert.equal((await env.cli(['start', '--new-tag', '4.0'])).exitCode, 0);
      const ttl = { HELM_CANARY_LOCK_TTL_SECONDS: '2' };
      const child = execa(process.execPath, [cliPath, 'promote', '--to', '6'], { cwd: env.dir, env: { ...env.env, ...ttl }, reject: false });
      // Kill it once stage 4 is being applied.
      for (let i = 0; i < 400 && !((await env.observe()).record?.phase === 'promoting' && ((await env.observe()).record as any).stage >= 3); i++) await sleep(25);
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
      assert.equal(stageShape(await env.observe()), 'P 4.0/2/100 C 4.0/2/0');
      assert.equal((await env.observe()).record!.stage, 6);
      assert.equal((await env.cli(['rollback'])).exitCode, 0);
    });
  });
}
