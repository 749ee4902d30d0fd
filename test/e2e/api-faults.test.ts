import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { givenCluster, stageShape, type Env } from '../helpers/e2e.js';
import { SIM_ONLY } from '../helpers/e2e-target.js';

describe('the API server failing under a command (helm 4)', { skip: SIM_ONLY }, () => {
  let env: Env;
  before(async () => {
    env = await givenCluster(4);
    assert.equal((await env.cli(['deploy', '--tag', '1.0'])).exitCode, 0);
    assert.equal((await env.cli(['start', '--new-tag', '2.0'])).exitCode, 0);
  });
  after(() => env.stop());

  it('a failed record write stops promote before anything is applied, and a retry succeeds', async () => {
    env.sim!.faults.failRequests({ method: 'PUT', path: /\/configmaps\/helm-canary-productpage$/, status: 503 });
    const r = await env.cli(['promote']);
    assert.equal(r.exitCode, 3, r.stderr);
    assert.match(r.stderr, /503|Service Unavailable|unavailable/i);
    assert.equal(stageShape(await env.observe()), 'P 1.0/2/90 C 2.0/2/10', 'nothing applied');
    env.sim!.faults.clear();
    const retry = await env.cli(['promote']);
    assert.equal(retry.exitCode, 0, retry.stderr);
    assert.equal(stageShape(await env.observe()), 'P 1.0/2/10 C 2.0/2/90');
  });

  it('an API server that has gone away is reported as unreachable (exit 3)', async () => {
    env.sim!.faults.failRequests({ path: /.*/, drop: true });
    const r = await env.cli(['status']);
    assert.equal(r.exitCode, 3, r.stderr);
    assert.match(r.stderr, /cannot reach the Kubernetes API server at http:\/\/127\.0\.0\.1:\d+/);
    env.sim!.faults.clear();
    assert.equal((await env.cli(['rollback'])).exitCode, 0);
  });
});
