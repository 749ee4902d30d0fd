// `helm-canary history` run in-process over the fakes: exact stdout, stderr and exit code.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { parse } from 'yaml';
import { CliHarness, lines } from './harness.js';

describe('helm-canary history', () => {
  it('text: the rollout, then who moved it from which stage to which, when, with what result; exit 0', async () => {
    const h = await new CliHarness().given(['deploy', '--tag', 'v1'], ['start', '--new-tag', 'v2'], ['promote']);
    const r = await h.run(['history']);
    assert.deepEqual(r, {
      exitCode: 0,
      stderr: '',
      stdout: lines(
        'Rollout of web in namespace shop: v1 -> v2 (plan seven-stage), started 2026-01-01T00:00:02.000Z by model@ci; now in-progress',
        'WHEN                      WHO       ACTION   FROM           TO             RESULT  MESSAGE',
        '2026-01-01T00:00:02.000Z  model@ci  start    1 stable       1 stable       ok      v1 -> v2',
        '2026-01-01T00:00:07.000Z  model@ci  promote  1 stable       2 canary 10 %  ok',
        '2026-01-01T00:00:07.000Z  model@ci  promote  2 canary 10 %  3 canary 90 %  ok',
      ),
    });
  });

  it('a failed stage shows as failed, with its message; -o json and -o yaml give the same document', async () => {
    const h = await new CliHarness().given(['deploy', '--tag', 'v1']);
    assert.equal((await h.run(['start', '--new-tag', 'never-ready'])).exitCode, 1);
    const json = await h.run(['history', '-o', 'json']);
    assert.equal(json.exitCode, 0);
    assert.equal(json.stderr, '');
    const doc = JSON.parse(json.stdout);
    assert.deepEqual(
      { release: doc.release, namespace: doc.namespace, stableTag: doc.stableTag, newTag: doc.newTag, phase: doc.phase, plan: doc.plan },
      { release: 'web', namespace: 'shop', stableTag: 'v1', newTag: 'never-ready', phase: 'failed', plan: 'seven-stage' },
    );
    const failed = doc.entries.at(-1);
    assert.deepEqual(
      { action: failed.action, from: failed.from, fromName: failed.fromName, to: failed.to, toName: failed.toName, result: failed.result, by: failed.by },
      { action: 'fail', from: 1, fromName: 'stable', to: 2, toName: 'canary 10 %', result: 'failed', by: 'model@ci' },
    );
    assert.match(failed.message, /pods not ready within 30s/);
    const yaml = await h.run(['history', '-o', 'yaml']);
    assert.equal(yaml.exitCode, 0);
    assert.deepEqual(parse(yaml.stdout), doc);
    const text = await h.run(['history']);
    assert.match(text.stdout, /^2026-01-01T00:00:32\.000Z {2}model@ci {2}fail {4}1 stable {2}2 canary 10 % {2}failed {2}stage 2 \(canary 10 %\) .*pods not ready within 30s$/m);
  });

  it('a release without a rollout record: exit 2, saying so and where a record comes from', async () => {
    const h = await new CliHarness().given(['deploy', '--tag', 'v1']);
    const r = await h.run(['history']);
    assert.deepEqual(r, {
      exitCode: 2,
      stdout: '',
      stderr: lines(
        'error: no rollout record for release web in namespace shop',
        '  helm-canary start (or run) writes one when a rollout begins',
        "  helm's own revisions: helm history web --namespace shop",
      ),
    });
    const json = await h.run(['history', '-o', 'json']);
    assert.equal(json.exitCode, 2);
    assert.equal(JSON.parse(json.stdout).error.message, 'no rollout record for release web in namespace shop');
    // -o yaml: the same error document, which a YAML parser reads
    const yaml = await h.run(['history', '-o', 'yaml']);
    assert.equal(yaml.exitCode, 2);
    assert.deepEqual(parse(yaml.stdout), JSON.parse(json.stdout));
  });
});
