// buildStatus tells the truth: readiness of the current pods, failed and interrupted commands,
// and a rollout the cluster shows without a record.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { buildStatus, type StatusInputs } from '../../src/rollout/status.js';
import type { DeploymentState, LiveState, ReleaseObjects, RolloutRecord } from '../../src/rollout/ports.js';

const objects: ReleaseObjects = { production: 'web-production', canary: 'web-canary', virtualService: 'web', destinationRule: 'web', subsets: { production: 'production', canary: 'canary' } };
const dep = (name: string, tag: string, replicas: number, ready = replicas): DeploymentState => ({
  name, image: `r/web:${tag}`, repository: 'r/web', tag, desired: replicas, ready, updated: replicas, available: ready, settled: ready === replicas,
});
const live = (p: [string, number, number, number?], c: [string, number, number, number?]): LiveState => ({
  production: dep('web-production', p[0], p[1], p[3]),
  canary: dep('web-canary', c[0], c[1], c[3]),
  traffic: { virtualService: 'web', weights: { production: p[2], canary: c[2] }, destinationRule: 'web', subsets: ['production', 'canary'] },
});
const record = (changes: Partial<RolloutRecord> = {}): RolloutRecord => ({
  release: 'web', namespace: 'shop', stableTag: '1', newTag: '2', repository: 'r/web', replicas: 2,
  plan: { name: 'seven-stage', steps: [{ weight: 10 }, { weight: 90 }, { weight: 100 }], finalStepMustBe100: true, drainSeconds: 0 },
  stage: 2, phase: 'in-progress', startedAt: 't', startedBy: 'me', lastTransitionAt: 't', history: [], ...changes,
});
const inputs = (changes: Partial<StatusInputs>): StatusInputs => ({ release: 'web', namespace: 'shop', objects, live: live(['1', 2, 90], ['2', 2, 10]), record: record(), ...changes });

describe('buildStatus', () => {
  it('a stage in place and ready', () => {
    const s = buildStatus(inputs({}));
    assert.equal(s.position, 'at stage 2');
    assert.deepEqual(s.problems, []);
    assert.equal(s.stage?.number, 2);
    assert.deepEqual(s.nextMoves, ['promote to stage 3 (canary 90 %)', 'rollback']);
  });

  it('stage 5 values with the new production pods not ready is not "at stage 5", and offers rollback first', () => {
    const s = buildStatus(inputs({ record: record({ stage: 4, phase: 'failed', target: 5 }), live: live(['2', 2, 0, 0], ['2', 2, 100]) }));
    assert.equal(s.stage?.number, 4);
    assert.equal(s.production.ready, 0);
    assert.match(s.position, /^stage 5 \(production updated\) failed; at stage 5, not ready: production Deployment web-production has 0\/2 ready replicas at r\/web:2/);
    assert.equal(s.nextMoves[0], 'rollback');
  });

  it('a failed pods-first step: canary up at weight 0, never ready', () => {
    const s = buildStatus(inputs({ record: record({ stage: 1, phase: 'failed', target: 2 }), live: live(['1', 2, 100], ['2', 2, 0, 0]) }));
    assert.match(s.position, /stage 2 \(canary 10 %\) failed; between stages 1 and 2 \(apply 1 of 2 done\), not ready: canary Deployment web-canary has 0\/2 ready replicas at r\/web:2/);
    assert.deepEqual(s.nextMoves, ['rollback', 'promote to stage 2 (canary 10 %)']);
  });

  it('a promote whose process is gone (no lease) is interrupted, not promoting', () => {
    const s = buildStatus(inputs({ record: record({ phase: 'promoting', target: 3 }) }));
    assert.equal(s.phase, 'interrupted');
    assert.match(s.position, /^interrupted while promoting to stage 3/);
    const held = buildStatus(inputs({ record: record({ phase: 'promoting', target: 3 }), lock: { holder: 'ci@runner' } }));
    assert.equal(held.phase, 'promoting');
  });

  it('an interrupted rollback offers only rollback', () => {
    const s = buildStatus(inputs({ record: record({ phase: 'rolling-back' }), live: live(['1', 2, 100], ['2', 2, 0]) }));
    assert.equal(s.phase, 'interrupted');
    assert.deepEqual(s.nextMoves, ['rollback (finishes the interrupted one)']);
  });

  it('no record, but the cluster shows a rollout: unrecorded, with the stable tag from helm history', () => {
    const s = buildStatus(inputs({ record: undefined, live: live(['1', 2, 10], ['2', 2, 90]), stableRevision: { revision: 3, repository: 'r/web', tag: '1', replicas: 2 } }));
    assert.equal(s.phase, 'unrecorded');
    assert.equal(s.stableTag, '1');
    assert.equal(s.position, 'a rollout is in progress but has no record: the canary receives 90 % of traffic');
    assert.deepEqual(s.nextMoves, ['rollback (rebuilds the record from the cluster and helm history)']);
  });

  it('no record and the cluster at rest: nothing in progress', () => {
    const s = buildStatus(inputs({ record: undefined, live: live(['1', 2, 100], ['1', 0, 0]), stableRevision: { revision: 3, repository: 'r/web', tag: '1', replicas: 2 } }));
    assert.equal(s.phase, 'none');
    assert.equal(s.position, 'no rollout recorded');
  });
});
