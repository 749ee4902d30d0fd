// helm's own output, shown where a user looks for it: inside the CI log group of the step that ran
// helm (GitHub Actions), and with --debug, every helm command and what it printed, on stderr.
// Built CLI, real helm 4, simulated cluster.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { givenCluster, type Env } from '../helpers/e2e.js';

describe("helm's own output", () => {
  let env: Env;
  before(async () => {
    env = await givenCluster(4, { config: { helm: { timeout: '30s' } } });
  });
  after(() => env.stop());

  it('GitHub Actions: each ::group:: holds the helm command and output of its step, the result follows the group', async () => {
    const r = await env.cli(['deploy', '--tag', '1.0'], { GITHUB_ACTIONS: 'true' });
    assert.equal(r.exitCode, 0, r.stderr);
    const lines = r.stderr.split('\n');
    const start = lines.findIndex((l) => l.startsWith('::group::'));
    const end = lines.indexOf('::endgroup::', start);
    assert.ok(start >= 0 && end > start, r.stderr);
    const group = lines.slice(start + 1, end);
    assert.ok(group.some((l) => /^ {2}\$ \S+ upgrade --install productpage /.test(l)), group.join('\n'));
    // helm 4's own words after an install
    assert.ok(group.some((l) => /^ {2}helm: STATUS: deployed$/.test(l)), group.join('\n'));
    assert.match(lines[end + 1]!, /^done /);
    // Outside the group, reads (helm status, get values...) are not shown without --debug.
    assert.ok(!lines.slice(0, start).some((l) => l.includes('helm:')), r.stderr);
  });

  it('--debug: every helm command and its output on stderr, stdout still one JSON document', async () => {
    const r = await env.cli(['status', '--debug', '-o', 'json']);
    assert.equal(r.exitCode, 0, r.stderr);
    assert.equal(JSON.parse(r.stdout).release, 'productpage');
    assert.match(r.stderr, /^ {2}\$ \S+ get manifest productpage --namespace shop$/m);
    assert.match(r.stderr, /^ {2}helm: kind: VirtualService$/m);
    const quiet = await env.cli(['status', '-o', 'json']);
    assert.equal(quiet.stderr, '');
  });
});
