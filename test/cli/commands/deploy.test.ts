// `helm-canary deploy --tag T` run in-process over the fakes: exact stdout, stderr and exit code.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { CliHarness, lines } from './harness.js';

describe('helm-canary deploy', () => {
  it('a first install: the stable stage, then the status, exit 0', async () => {
    const h = new CliHarness();
    const r = await h.run(['deploy', '--tag', 'v1']);
    assert.equal(
      r.stderr,
      lines(
        '... deploy v1: all traffic on production',
        // v1's pods are ready 2 s after they are created.
        'done deploy v1: all traffic on production (2.0s)',
        'web runs registry.example/web:v1 with all traffic on production',
      ),
    );
    assert.equal(
      r.stdout,
      lines(
        'Release web in namespace shop',
        '  stage      no rollout recorded',
        '  production web-production  registry.example/web:v1  ready 2/2  weight 100 %',
        '  canary     web-canary  registry.example/web:v1  ready 0/0  weight 0 %',
        '  helm       revision 1, deployed',
        '  next       start a new rollout',
      ),
    );
    assert.equal(r.exitCode, 0);
  });

  it('is refused while a rollout is in progress: exit 4, nothing applied', async () => {
    const h = await new CliHarness().given(['deploy', '--tag', 'v1'], ['start', '--new-tag', 'v2']);
    const revisions = h.world.helm.history.length;
    const r = await h.run(['deploy', '--tag', 'v3']);
    assert.equal(r.stdout, '');
    assert.equal(
      r.stderr,
      lines(
        'error: a rollout of web is in progress (v1 -> v2, stage 2): deploy is refused',
        '  finish it with: helm-canary promote, or undo it with: helm-canary rollback',
      ),
    );
    assert.equal(r.exitCode, 4);
    assert.equal(h.world.helm.history.length, revisions);
  });
});
