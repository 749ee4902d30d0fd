import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { DEFAULT_VALUE_PATHS, toChartValues, type StageValues } from '../../src/engine/index.js';
import { lastStableRevision, rolloutEvidence } from '../../src/rollout/unrecorded.js';
import type { HelmRevisionValues } from '../../src/rollout/ports.js';

const values = (p: [string, number, number], c: [string, number, number]): StageValues => ({
  production: { repository: 'r/app', tag: p[0], replicas: p[1], weight: p[2] },
  canary: { repository: 'r/app', tag: c[0], replicas: c[1], weight: c[2] },
});
const rev = (revision: number, status: string, v: StageValues): HelmRevisionValues => ({ revision, status, values: toChartValues(v, DEFAULT_VALUE_PATHS) });

describe('lastStableRevision: the stable tag survives the record in helm revisions', () => {
  const history = [
    rev(5, 'deployed', values(['83', 2, 10], ['84', 2, 90])), // stage 3
    rev(4, 'superseded', values(['83', 2, 90], ['84', 2, 10])), // stage 2
    rev(3, 'superseded', values(['83', 2, 100], ['84', 2, 0])), // stage 2, pods first
    rev(2, 'superseded', values(['83', 2, 100], ['83', 0, 0])), // deploy 83
    rev(1, 'superseded', values(['82', 2, 100], ['82', 0, 0])), // deploy 82
  ];
  it('finds the newest revision with all traffic on production and no canary pods', () => {
    assert.deepEqual(lastStableRevision(history, DEFAULT_VALUE_PATHS), { revision: 2, repository: 'r/app', tag: '83', replicas: 2 });
  });
  it('skips failed and pending revisions, which may never have reached the cluster', () => {
    const withFailed = [rev(6, 'failed', values(['90', 2, 100], ['90', 0, 0])), rev(7, 'pending-upgrade', values(['91', 2, 100], ['91', 0, 0])), ...history];
    assert.equal(lastStableRevision(withFailed, DEFAULT_VALUE_PATHS)?.tag, '83');
  });
  it('skips revisions whose values are not at the configured paths (a chart installed some other way)', () => {
    assert.equal(lastStableRevision([{ revision: 9, status: 'deployed', values: { image: { tag: '1' } } }, ...history], DEFAULT_VALUE_PATHS)?.revision, 2);
  });
  it("a rollout's own revisions name its stable tag: an interrupted rollback of a completed rollout keeps going back", () => {
    const described = (revision: number, v: StageValues, step: string) => ({ ...rev(revision, revision === 12 ? 'deployed' : 'superseded', v), description: `helm-canary 83 -> 84: ${step}` });
    const afterCompleted = [
      described(12, values(['84', 2, 0], ['83', 2, 100]), 'rollback step 2/5: traffic 100/0 -> 0/100'),
      described(11, values(['84', 2, 100], ['83', 2, 0]), 'rollback step 1/5: canary tag 84 -> 83, replicas 0 -> 2'),
      described(10, values(['84', 2, 100], ['84', 0, 0]), 'stage 7 (new stable): canary replicas 2 -> 0'),
      ...history,
    ];
    assert.deepEqual(lastStableRevision(afterCompleted, DEFAULT_VALUE_PATHS), { revision: 12, repository: 'r/app', tag: '83', replicas: 2, newTag: '84' });
    // the completed rollout itself, at rest on 84: 84 is stable now
    assert.equal(lastStableRevision(afterCompleted.slice(2), DEFAULT_VALUE_PATHS)?.tag, '84');
  });
  it('finds none when the release was never at rest', () => {
    assert.equal(lastStableRevision(history.slice(0, 2), DEFAULT_VALUE_PATHS), undefined);
  });
});

describe('rolloutEvidence: a rollout in progress shows in the cluster, record or not', () => {
  const stable = { revision: 2, repository: 'r/app', tag: '83', replicas: 2 };
  const table: [string, StageValues, string | undefined][] = [
    ['at rest at the stable tag', values(['83', 2, 100], ['83', 0, 0]), undefined],
    ['canary pods up at weight 0 (stage 2, first apply)', values(['83', 2, 100], ['84', 2, 0]), 'the canary runs 2 pods of 84'],
    ['traffic on the canary (stage 3)', values(['83', 2, 10], ['84', 2, 90]), 'the canary receives 90 % of traffic'],
    ['production updated, traffic on the canary (stage 5)', values(['84', 2, 0], ['84', 2, 100]), 'the canary receives 100 % of traffic'],
    ['production on the new tag, canary gone (an interrupted stage 7 or a hand deploy)', values(['84', 2, 100], ['84', 0, 0]), 'production runs 84, but helm revision 2 names 83 as the stable tag'],
  ];
  for (const [name, observed, evidence] of table) {
    it(name, () => assert.equal(rolloutEvidence(observed, stable), evidence));
  }
  it('without a stable revision, only canary pods or traffic count', () => {
    assert.equal(rolloutEvidence(values(['84', 2, 100], ['84', 0, 0]), undefined), undefined);
  });
});
