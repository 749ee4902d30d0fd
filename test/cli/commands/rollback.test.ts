// `helm-canary rollback` run in-process over the fakes: exact stdout, stderr and exit code.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { CliHarness, lines } from './harness.js';

describe('helm-canary rollback', () => {
  it('from stage 4 (canary 100 %): traffic back first, a drain, then the canary removed; exit 0', async () => {
    const h = await new CliHarness().given(['deploy', '--tag', 'v1'], ['start', '--new-tag', 'v2', '--to', '4']);
    const r = await h.run(['rollback']);
    assert.equal(
      r.stderr,
      lines(
        '... rollback step 1/2: traffic 0/100 -> 100/0',
        'done rollback step 1/2: traffic 0/100 -> 100/0 (0.0s)',
        '... draining: waiting 10s for Envoy to stop routing to pods about to be removed',
        'done draining: waiting 10s for Envoy to stop routing to pods about to be removed (10.0s)',
        '... rollback step 2/2: canary tag v2 -> v1, replicas 2 -> 0',
        'done rollback step 2/2: canary tag v2 -> v1, replicas 2 -> 0 (0.0s)',
        'rolled back: web runs v1 with all traffic on production',
      ),
    );
    assert.equal(
      r.stdout,
      lines(
        'Release web in namespace shop',
        '  stage      1 of 7: stable (rolled-back; at stage 1)',
        '  tags       stable v1 -> new v2',
        '  production web-production  registry.example/web:v1  ready 2/2  weight 100 %',
        '  canary     web-canary  registry.example/web:v1  ready 0/0  weight 0 %',
        '  started    2026-01-01T00:00:02.000Z by model@ci (plan seven-stage)',
        '  last move  2026-01-01T00:00:17.000Z',
        '  helm       revision 7, deployed',
        '  next       start a new rollout',
      ),
    );
    assert.equal(r.exitCode, 0);
  });

  it('of a release never installed: "nothing to roll back", exit 0 (a pipeline\'s rollback job may run first)', async () => {
    const r = await new CliHarness().run(['rollback']);
    assert.deepEqual(r, { exitCode: 0, stdout: '', stderr: lines('no rollout of web was ever started in namespace shop: nothing to roll back') });
  });

  it('of a release never installed, -o json: a document saying so on stdout, exit 0', async () => {
    const r = await new CliHarness().run(['rollback', '-o', 'json']);
    assert.equal(r.exitCode, 0);
    assert.deepEqual(JSON.parse(r.stdout), { release: 'web', namespace: 'shop', installed: false, rolledBack: false });
  });
});
