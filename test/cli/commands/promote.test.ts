// `helm-canary promote [--to STAGE]` run in-process over the fakes: exact stdout, stderr and exit code.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { CommandFault } from '../../model/fakes/index.js';
import { CliHarness, lines } from './harness.js';

/** HELM_WAIT_TIMES_OUT: the stage's helm upgrade waits its whole --timeout for pods that do not get ready. */
const HELM_WAIT_TIMES_OUT: CommandFault = { kind: 'helm-error', atUpgrade: 1, when: 'wait-timeout' };

const STAGE_3 = 'stage 3 (canary 90 %): traffic 90/10 -> 10/90';
// What helm said, as the error's details print it.
const HELM_FAILED = [
  `  helm upgrade --install web charts/canary-app --namespace shop --values /model/values/web-stage-3a.values.yaml --description 'helm-canary v1 -> v2: ${STAGE_3}' --timeout 30s failed with exit code 1`,
  '    Error: UPGRADE FAILED: context deadline exceeded (injected)',
  '    hint: the pods did not become ready in time; check the pods and events, or raise --timeout',
];

describe('helm-canary promote', () => {
  it('applies the next stage and prints the status, exit 0', async () => {
    const h = await new CliHarness().given(['deploy', '--tag', 'v1'], ['start', '--new-tag', 'v2']);
    const r = await h.run(['promote']);
    assert.equal(r.stderr, lines(`... ${STAGE_3}`, `done ${STAGE_3} (0.0s)`, 'stage 3 of 7 (canary 90 %) is in place'));
    assert.equal(
      r.stdout,
      lines(
        'Release web in namespace shop',
        '  stage      3 of 7: canary 90 % (in-progress; at stage 3)',
        '  tags       stable v1 -> new v2',
        '  production web-production  registry.example/web:v1  ready 2/2  weight 10 %',
        '  canary     web-canary  registry.example/web:v2  ready 2/2  weight 90 %',
        '  started    2026-01-01T00:00:02.000Z by model@ci (plan seven-stage)',
        '  last move  2026-01-01T00:00:07.000Z',
        '  helm       revision 4, deployed',
        '  next       promote to stage 4 (canary 100 %) | rollback',
      ),
    );
    assert.equal(r.exitCode, 0);
  });

  it('--to beyond the plan: exit 2, nothing applied', async () => {
    const h = await new CliHarness().given(['deploy', '--tag', 'v1'], ['start', '--new-tag', 'v2']);
    const r = await h.run(['promote', '--to', '9']);
    assert.deepEqual(r, { exitCode: 2, stdout: '', stderr: lines('error: cannot promote: stage 9 does not exist (the plan has stages 1..7)') });
    assert.equal(h.world.records.current()?.stage, 2);
  });

  it('with no rollout in progress: exit 4, saying how to start one', async () => {
    const h = await new CliHarness().given(['deploy', '--tag', 'v1']);
    const r = await h.run(['promote']);
    assert.deepEqual(r, {
      exitCode: 4,
      stdout: '',
      stderr: lines('error: no rollout of web is in progress in namespace shop (there is no rollout record)', '  start one with: helm-canary start --new-tag TAG'),
    });
  });

  it('a stage whose pods never become ready: exit 1, the stage left where it failed, with the rollback hint', async () => {
    const h = await new CliHarness().given(['deploy', '--tag', 'v1'], ['start', '--new-tag', 'v2']);
    const r = await h.run(['promote'], { fault: HELM_WAIT_TIMES_OUT });
    assert.equal(r.stdout, '');
    assert.equal(
      r.stderr,
      lines(
        `... ${STAGE_3}`,
        `FAILED ${STAGE_3} (30.0s)`,
        `error: stage 3 (canary 90 %) (traffic 90/10 -> 10/90): helm upgrade failed`,
        ...HELM_FAILED,
        '  roll back with: helm-canary rollback',
      ),
    );
    assert.equal(r.exitCode, 1);
    assert.equal(h.world.records.current()?.phase, 'failed');
  });

  it('retrying a stage whose canary never became ready moves no traffic: exit 1, with the rollback hint', async () => {
    const h = await new CliHarness().given(['deploy', '--tag', 'v1']);
    assert.equal((await h.run(['start', '--new-tag', 'never-ready'])).exitCode, 1);
    const r = await h.run(['promote']);
    const notReady = 'canary Deployment web-canary has 0/2 ready replicas at registry.example/web:never-ready';
    assert.equal(r.stdout, '');
    assert.equal(
      r.stderr,
      lines(
        '... stage 2 (canary 10 %): traffic 100/0 -> 90/10',
        // Without a terminal a wait prints its ready counts every 5 s (the fake clock's seconds).
        ...[5, 10, 15, 20, 25].map((s) => `  waiting ${s}s of 30s: canary 0/2 ready; ${notReady}`),
        'FAILED stage 2 (canary 10 %): traffic 100/0 -> 90/10 (30.0s)',
        'error: stage 2 (canary 10 %) (traffic 100/0 -> 90/10): no traffic was moved, because the pods that would receive it are not ready',
        `  ${notReady}`,
        '  roll back with: helm-canary rollback',
      ),
    );
    assert.equal(r.exitCode, 1);
    assert.equal(h.world.cluster.weight('canary'), 0, 'the canary still gets no traffic');
  });

  it('--rollback-on-failure: the failed stage is rolled back, exit 5', async () => {
    const h = await new CliHarness().given(['deploy', '--tag', 'v1'], ['start', '--new-tag', 'v2']);
    const r = await h.run(['promote', '--rollback-on-failure'], { fault: HELM_WAIT_TIMES_OUT });
    assert.equal(r.stdout, '');
    assert.equal(
      r.stderr,
      lines(
        `... ${STAGE_3}`,
        `FAILED ${STAGE_3} (30.0s)`,
        'warning: stage 3 (canary 90 %) failed; rolling back (--rollback-on-failure)',
        '... rollback step 1/2: traffic 10/90 -> 100/0',
        'done rollback step 1/2: traffic 10/90 -> 100/0 (0.0s)',
        '... draining: waiting 10s for Envoy to stop routing to pods about to be removed',
        'done draining: waiting 10s for Envoy to stop routing to pods about to be removed (10.0s)',
        '... rollback step 2/2: canary tag v2 -> v1, replicas 2 -> 0',
        'done rollback step 2/2: canary tag v2 -> v1, replicas 2 -> 0 (0.0s)',
        'rolled back: web runs v1 with all traffic on production',
        'error: stage 3 (canary 90 %) (traffic 90/10 -> 10/90): helm upgrade failed; the release was rolled back to v1',
        ...HELM_FAILED,
      ),
    );
    assert.equal(r.exitCode, 5);
    assert.equal(h.world.records.current()?.phase, 'rolled-back');
  });
});
