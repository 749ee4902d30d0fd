import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { givenCluster, stageShape, HELM_MAJORS, type Env } from '../helpers/e2e.js';

// The seven stages as the cluster must hold them (stable 1.0, new 2.0, 2 replicas).
const SEVEN = [
  'P 1.0/2/100 C 1.0/0/0',
  'P 1.0/2/90 C 2.0/2/10',
  'P 1.0/2/10 C 2.0/2/90',
  'P 1.0/2/0 C 2.0/2/100',
  'P 2.0/2/0 C 2.0/2/100',
  'P 2.0/2/100 C 2.0/2/0',
  'P 2.0/2/100 C 2.0/0/0',
];

for (const helm of HELM_MAJORS) {
  describe(`a full rollout with helm ${helm}`, () => {
    let env: Env;
    before(async () => {
      env = await givenCluster(helm);
    });
    after(() => env.stop());

    it('deploys the stable stage, then promotes stage by stage to the new stable', async () => {
      const deployed = await env.cli(['deploy', '--tag', '1.0']);
      assert.equal(deployed.exitCode, 0, deployed.stderr);
      assert.equal(stageShape(env.observe()), SEVEN[0]);

      const started = await env.cli(['start', '--new-tag', '2.0']);
      assert.equal(started.exitCode, 0, started.stderr);
      assert.equal(stageShape(env.observe()), SEVEN[1]);
      assert.deepEqual(env.observe().record, { stage: 2, phase: 'in-progress', stableTag: '1.0', newTag: '2.0' });

      for (let stage = 3; stage <= 7; stage++) {
        const r = await env.cli(['promote', '--output', 'json']);
        assert.equal(r.exitCode, 0, r.stderr);
        const o = env.observe();
        assert.equal(stageShape(o), SEVEN[stage - 1], `stage ${stage}`);
        assert.equal(o.production.ready, 2);
        assert.equal(o.canary.ready, o.canary.replicas);
        const status = JSON.parse(r.stdout);
        assert.equal(status.stage.number, stage);
        // the stable tag survives stages 5-7, where production already runs the new tag
        assert.equal(status.stableTag, '1.0');
      }
      assert.equal(env.observe().record!.phase, 'completed');
      const done = await env.cli(['promote']);
      assert.equal(done.exitCode, 4);
      assert.match(done.stderr, /no rollout of productpage is in progress.*completed/);
    });
  });

  describe(`rollback from every stage with helm ${helm}`, () => {
    let env: Env;
    before(async () => {
      env = await givenCluster(helm);
      assert.equal((await env.cli(['deploy', '--tag', '1.0'])).exitCode, 0);
    });
    after(() => env.stop());

    for (let from = 2; from <= 7; from++) {
      it(`from stage ${from}`, async () => {
        const started = await env.cli(['start', '--new-tag', `2.${from}`]);
        assert.equal(started.exitCode, 0, started.stderr);
        if (from > 2) {
          const promoted = await env.cli(['promote', '--to', String(from)]);
          assert.equal(promoted.exitCode, 0, promoted.stderr);
        }
        assert.equal(env.observe().record!.stage, from);
        const r = await env.cli(['rollback', '--output', 'json']);
        assert.equal(r.exitCode, 0, r.stderr);
        const o = env.observe();
        assert.equal(stageShape(o), 'P 1.0/2/100 C 1.0/0/0');
        assert.equal(o.production.ready, 2);
        assert.equal(o.record!.phase, 'rolled-back');
        assert.equal(JSON.parse(r.stdout).stage.number, 1);
      });
    }
  });
}
