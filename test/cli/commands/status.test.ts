// `helm-canary status` run in-process over the fakes: exact stdout, stderr and exit code.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { parse } from 'yaml';
import { CliHarness, lines } from './harness.js';

const NOT_READY = 'canary Deployment web-canary has 0/2 ready replicas at registry.example/web:never-ready';

// A release whose stage 2 failed: the canary of a new tag never became ready.
async function afterAFailedStart(): Promise<CliHarness> {
  const h = await new CliHarness().given(['deploy', '--tag', 'v1']);
  assert.equal((await h.run(['start', '--new-tag', 'never-ready'])).exitCode, 1);
  return h;
}

describe('helm-canary status', () => {
  it('text: the stage, tags, both deployments, the record and the next moves; exit 0, nothing on stderr', async () => {
    const h = await new CliHarness().given(['deploy', '--tag', 'v1'], ['start', '--new-tag', 'v2']);
    const r = await h.run(['status']);
    assert.deepEqual(r, {
      exitCode: 0,
      stderr: '',
      stdout: lines(
        'Release web in namespace shop',
        '  stage      2 of 7: canary 10 % (in-progress; at stage 2)',
        '  tags       stable v1 -> new v2',
        '  production web-production  registry.example/web:v1  ready 2/2  weight 90 %',
        '  canary     web-canary  registry.example/web:v2  ready 2/2  weight 10 %',
        '  started    2026-01-01T00:00:02.000Z by model@ci (plan seven-stage)',
        '  last move  2026-01-01T00:00:07.000Z',
        '  helm       revision 3, deployed',
        '  next       promote to stage 3 (canary 90 %) | rollback',
      ),
    });
  });

  it('text after a failure: where it failed, the last error, and rollback offered first', async () => {
    const h = await afterAFailedStart();
    const r = await h.run(['status']);
    assert.deepEqual(r, {
      exitCode: 0,
      stderr: '',
      stdout: lines(
        'Release web in namespace shop',
        `  stage      1 of 7: stable (failed; stage 2 (canary 10 %) failed; between stages 1 and 2 (apply 1 of 2 done), not ready: ${NOT_READY})`,
        '  tags       stable v1 -> new never-ready',
        '  production web-production  registry.example/web:v1  ready 2/2  weight 100 %',
        '  canary     web-canary  registry.example/web:never-ready  ready 0/2  weight 0 %',
        '  started    2026-01-01T00:00:02.000Z by model@ci (plan seven-stage)',
        '  last move  2026-01-01T00:00:32.000Z',
        '  last error stage 2 (canary 10 %) step 1/2 (canary tag v1 -> never-ready, replicas 0 -> 2): pods not ready within 30s',
        '  helm       revision 2, deployed',
        '  next       rollback | promote to stage 2 (canary 10 %)',
      ),
    });
  });

  it('-o json after a failure: the problems, the last error, and rollback as the first next move', async () => {
    const h = await afterAFailedStart();
    const r = await h.run(['status', '-o', 'json']);
    const expected = {
      release: 'web',
      namespace: 'shop',
      stage: { number: 1, name: 'stable', of: 7 },
      position: `stage 2 (canary 10 %) failed; between stages 1 and 2 (apply 1 of 2 done), not ready: ${NOT_READY}`,
      stableTag: 'v1',
      newTag: 'never-ready',
      phase: 'failed',
      problems: [NOT_READY],
      production: { name: 'web-production', image: 'registry.example/web:v1', tag: 'v1', desired: 2, ready: 2, weight: 100 },
      canary: { name: 'web-canary', image: 'registry.example/web:never-ready', tag: 'never-ready', desired: 2, ready: 0, weight: 0 },
      traffic: { virtualService: 'web', weights: { production: 100, canary: 0 } },
      record: {
        plan: 'seven-stage',
        startedAt: '2026-01-01T00:00:02.000Z',
        startedBy: 'model@ci',
        lastTransitionAt: '2026-01-01T00:00:32.000Z',
        target: 2,
        lastError: 'stage 2 (canary 10 %) step 1/2 (canary tag v1 -> never-ready, replicas 0 -> 2): pods not ready within 30s',
      },
      helm: { status: 'deployed', revision: 2 },
      lock: null,
      nextMoves: ['rollback', 'promote to stage 2 (canary 10 %)'],
    };
    // Exact text: pretty-printed, keys in this order, one trailing newline.
    assert.deepEqual(r, { exitCode: 0, stderr: '', stdout: `${JSON.stringify(expected, null, 2)}\n` });
  });

  it('--all: one row per recorded release of the namespace', async () => {
    const h = await new CliHarness().given(['deploy', '--tag', 'v1'], ['start', '--new-tag', 'v2']);
    const r = await h.run(['status', '--all']);
    assert.deepEqual(r, {
      exitCode: 0,
      stderr: '',
      stdout: lines(
        'release  stage            phase        stable  new  production  canary  weights',
        'web      2/7 canary 10 %  in-progress  v1      v2   v1 2/2      v2 2/2  90/10',
      ),
    });
  });

  it('--all: a record that cannot be read is named on stderr, not silently left out', async () => {
    const h = await new CliHarness().given(['deploy', '--tag', 'v1'], ['start', '--new-tag', 'v2']);
    h.world.records.editByHand('{"release": "web", "phase": "paused"');
    const r = await h.run(['status', '--all']);
    assert.equal(r.exitCode, 0);
    assert.equal(r.stdout, lines('no releases with a rollout record in this namespace'));
    assert.match(r.stderr, /^warning: the rollout record of web cannot be read: .*helm-canary-web.*not valid JSON/);
  });

  it('-o yaml: the same document as -o json, for one release and for --all', async () => {
    const h = await afterAFailedStart();
    for (const args of [['status'], ['status', '--all']]) {
      const json = await h.run([...args, '-o', 'json']);
      const yaml = await h.run([...args, '-o', 'yaml']);
      assert.equal(yaml.exitCode, 0);
      assert.equal(yaml.stderr, '');
      assert.doesNotThrow(() => JSON.parse(json.stdout));
      assert.ok(!yaml.stdout.trimStart().startsWith('{'), 'YAML, not JSON');
      assert.deepEqual(parse(yaml.stdout), JSON.parse(json.stdout));
    }
  });

  it('-o with an unknown format: exit 2, naming the formats', async () => {
    const r = await new CliHarness().run(['status', '-o', 'xml']);
    assert.equal(r.exitCode, 2);
    assert.match(r.stderr, /Allowed choices are text, json, yaml/);
  });
});
