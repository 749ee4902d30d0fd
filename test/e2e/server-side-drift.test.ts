import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { givenCluster, type Env } from '../helpers/e2e.js';

describe('a field changed outside helm, with helm 4 (server-side apply)', () => {
  let env: Env;
  before(async () => {
    env = await givenCluster(4);
    assert.equal((await env.cli(['deploy', '--tag', '1.0'])).exitCode, 0);
  });
  after(() => env.stop());

  it('is reported as drift (exit 4) rather than silently overwritten', async () => {
    // What `kubectl scale` or `kubectl edit` does: a write under another field manager.
    const res = await env.api.call('PATCH', `/apis/apps/v1/namespaces/${env.namespace}/deployments/${env.release}-production?fieldManager=kubectl-edit`,
      JSON.stringify({ spec: { replicas: 3 } }), 'application/merge-patch+json');
    assert.equal(res.status, 200, res.text);
    const r = await env.cli(['deploy', '--tag', '1.1']);
    assert.equal(r.exitCode, 4, r.stderr);
    assert.match(r.stderr, /changed outside helm \(by field manager "kubectl-edit"\)/);
    assert.match(r.stderr, /--force-conflicts/);
    assert.equal((await env.observe()).production.replicas, 3, 'the hand-made change was not overwritten');
  });
});
