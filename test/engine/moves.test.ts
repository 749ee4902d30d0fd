import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { identifyPosition, legalMoves, offeredMoves, planRollbackFrom, planStages, promotionPath, diffValues, type Plan } from '../../src/engine/index.js';

const spec = { repository: 'r', stableTag: 'S', newTag: 'N', replicas: 2 };
const seven: Plan = { name: 't', steps: [{ weight: 10 }, { weight: 90 }, { weight: 100 }], finalStepMustBe100: true, drainSeconds: 0 };
const stages = planStages(spec, seven);

describe('legalMoves', () => {
  const table: [number, string[]][] = [
    [1, ['promote:2']],
    [2, ['promote:3', 'rollback']],
    [6, ['promote:7', 'rollback']],
    [7, ['rollback']],
  ];
  for (const [current, expected] of table) {
    it(`from stage ${current}`, () => assert.deepEqual(legalMoves(current, 7).map((m) => (m.kind === 'promote' ? `promote:${m.to}` : m.kind)), expected));
  }
});

describe('offeredMoves: what a person is offered, in order', () => {
  const table: [string, number, { troubled: boolean; leftovers: boolean }, string[]][] = [
    ['at stage 3, all well', 3, { troubled: false, leftovers: false }, ['promote:4', 'rollback']],
    ['at stage 3, a failure or pods not ready: the way back first', 3, { troubled: true, leftovers: false }, ['rollback', 'promote:4']],
    ['at stage 1, all well: nothing to roll back', 1, { troubled: false, leftovers: false }, ['promote:2']],
    ['at stage 1 after a failed stage 2: rollback first, to remove its canary pods', 1, { troubled: true, leftovers: true }, ['rollback', 'promote:2']],
    ['at stage 1 between stages: rollback offered', 1, { troubled: false, leftovers: true }, ['promote:2', 'rollback']],
    ['at the last stage', 7, { troubled: false, leftovers: true }, ['rollback']],
  ];
  for (const [name, current, situation, expected] of table) {
    it(name, () => assert.deepEqual(offeredMoves(current, 7, situation).map((m) => (m.kind === 'promote' ? `promote:${m.to}` : m.kind)), expected));
  }
});

describe('promotionPath', () => {
  it('goes through every stage in order', () => assert.deepEqual(promotionPath(2, 5, 7), { stages: [3, 4, 5] }));
  it('refuses a stage behind the current one', () => assert.match((promotionPath(4, 2, 7) as { refused: string }).refused, /behind the current stage 4; use rollback/));
  it('refuses the current stage', () => assert.ok('refused' in promotionPath(3, 3, 7)));
  it('refuses a stage past the end', () => assert.match((promotionPath(3, 9, 7) as { refused: string }).refused, /stage 9 does not exist/));
});

describe('identifyPosition', () => {
  it('finds every stage from its values', () => {
    for (const s of stages) assert.deepEqual(identifyPosition(stages, s.values), { kind: 'stage', stage: s.number });
  });
  it('finds a promote interrupted between its two applies', () => {
    assert.deepEqual(identifyPosition(stages, stages[1]!.applies[0]!.values), { kind: 'promoting', stage: 2, apply: 1, of: 2 });
  });
  it('finds an interrupted rollback', () => {
    const applies = planRollbackFrom(stages, 6);
    assert.deepEqual(identifyPosition(stages, applies[1]!.values, 6), { kind: 'rolling-back', from: 6, apply: 2, of: 5 });
  });
  it('says unknown for values the plan never produces', () => {
    const drifted = structuredClone(stages[2]!.values);
    drifted.production.weight = 20;
    drifted.canary.weight = 80;
    assert.deepEqual(identifyPosition(stages, drifted), { kind: 'unknown' });
    assert.deepEqual(diffValues(stages[2]!.values, drifted), [
      { field: 'production.weight', expected: 10, actual: 20 },
      { field: 'canary.weight', expected: 90, actual: 80 },
    ]);
  });
});
