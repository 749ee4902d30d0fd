// The engine's decisions, as tables: from the record and what the cluster runs to what a promote
// or a rollback does next. The runner executes these and decides nothing of its own.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { decidePromote, decideRollback, planStages, stageShownBy, type PromoteDecision, type RecordedRollout, type StageValues } from '../../src/engine/index.js';

const plan = { name: 'seven-stage', steps: [{ weight: 10 }, { weight: 90 }, { weight: 100 }], finalStepMustBe100: true, drainSeconds: 30 };
const stages = planStages({ repository: 'r', stableTag: 'S', newTag: 'N', replicas: 2 }, plan);
const at = (n: number): StageValues => stages[n - 1]!.values;
const midway = (n: number, apply: number): StageValues => stages[n - 1]!.applies[apply - 1]!.values;
const edited = (v: StageValues): StageValues => ({ production: { ...v.production, weight: 70 }, canary: { ...v.canary, weight: 30 } });

// What a decision amounts to, in one line, so each row reads as input -> outcome.
function summary(d: PromoteDecision): string {
  switch (d.kind) {
    case 'promote':
      return `promote from ${d.from}${d.recordReached ? ' (record reached)' : ''}${d.driftIgnored ? ` (drift ignored: ${d.driftIgnored.map((f) => f.field).join(',')})` : ''}: ${d.moves.map((m) => `${m.stage}[${m.steps.length}]`).join(' ') || 'nothing'}`;
    case 'drift':
      return `drift at ${d.stage}: ${d.differences?.map((f) => f.field).join(',') ?? 'objects missing'}`;
    case 'refused':
      return `refused: ${d.reason}`;
    case 'no-rollout':
      return `no-rollout${d.last ? ` (${d.last})` : ''}`;
    case 'rollback-interrupted':
      return d.kind;
    default:
      return `${d.kind} ${d.stage}`;
  }
}

type Row = [name: string, record: RecordedRollout | undefined, values: StageValues | undefined, ready: boolean, request: { to?: number; force?: boolean }, expected: string];
const rows: Row[] = [
  ['no record', undefined, at(1), true, {}, 'no-rollout'],
  ['the last rollout completed', { stage: 7, phase: 'completed' }, at(7), true, {}, 'no-rollout (completed)'],
  ['a re-run of the last pipeline job', { stage: 7, phase: 'completed' }, at(7), true, { to: 7 }, 'already-completed 7'],
  ['the last rollout was rolled back', { stage: 1, phase: 'rolled-back' }, at(1), true, {}, 'no-rollout (rolled-back)'],
  ['a rollback was interrupted', { stage: 3, phase: 'rolling-back' }, at(3), true, {}, 'rollback-interrupted'],
  ['the next stage', { stage: 2, phase: 'in-progress' }, at(2), true, {}, 'promote from 2: 3[1]'],
  ['every stage up to --to, in order', { stage: 2, phase: 'in-progress' }, at(2), true, { to: 5 }, 'promote from 2: 3[1] 4[1] 5[1]'],
  ['--to the stage it is at', { stage: 3, phase: 'in-progress' }, at(3), true, { to: 3 }, 'already-at 3'],
  ['--to a stage behind', { stage: 4, phase: 'in-progress' }, at(4), true, { to: 2 }, 'refused: stage 2 is behind the current stage 4; use rollback to go back'],
  ['--to past the plan', { stage: 4, phase: 'in-progress' }, at(4), true, { to: 9 }, 'refused: stage 9 does not exist (the plan has stages 1..7)'],
  ['the last stage', { stage: 7, phase: 'in-progress' }, at(7), true, {}, 'complete 7'],
  ['weights edited by hand', { stage: 3, phase: 'in-progress' }, edited(at(3)), true, {}, 'drift at 3: production.weight,canary.weight'],
  ['weights edited by hand, --force', { stage: 3, phase: 'in-progress' }, edited(at(3)), true, { force: true }, 'promote from 3 (drift ignored: production.weight,canary.weight): 4[1]'],
  ['a Deployment missing', { stage: 3, phase: 'in-progress' }, undefined, false, {}, 'drift at 3: objects missing'],
  // An interrupted promote: its values fully applied and ready is a stage reached that a person judges first.
  ['target applied, pods ready', { stage: 2, phase: 'promoting', target: 3 }, at(3), true, {}, 'promote from 3 (record reached): nothing'],
  // Found by the failures-under-load tier (SIGKILL during stage 5's helm, then `promote --to 5 --recover`):
  // the stage was reported as already reached, and never recorded.
  ['target applied, pods ready, --to the target', { stage: 4, phase: 'promoting', target: 5 }, at(5), true, { to: 5 }, 'promote from 5 (record reached): nothing'],
  ['target applied, pods ready, --to further', { stage: 2, phase: 'promoting', target: 3 }, at(3), true, { to: 4 }, 'promote from 3 (record reached): 4[1]'],
  // Values in place with pods that never became ready: a stage to re-do, never one to go past.
  ['target applied, pods not ready', { stage: 2, phase: 'failed', target: 3 }, at(3), false, {}, 'promote from 2: 3[0]'],
  ['target half applied', { stage: 1, phase: 'promoting', target: 2 }, midway(2, 1), false, {}, 'promote from 1: 2[1]'],
];

describe('decidePromote', () => {
  for (const [name, record, values, ready, request, expected] of rows) {
    it(`${name} -> ${expected}`, () => assert.equal(summary(decidePromote(stages, record, { values, ready }, request)), expected));
  }

  it('a stage re-done after a failure has nothing left to apply but still waits for its pods (no steps, one move)', () => {
    const d = decidePromote(stages, { stage: 2, phase: 'failed', target: 3 }, { values: at(3), ready: false }, {});
    assert.equal(d.kind, 'promote');
    assert.deepEqual(d.kind === 'promote' && d.moves.map((m) => [m.stage, m.steps.length]), [[3, 0]]);
  });

  it('after a run that did not finish, every Deployment counts as recently routed: pod removals wait for the drain', () => {
    const calm = decidePromote(stages, { stage: 6, phase: 'in-progress', recentlyRouted: ['production'] }, { values: at(6), ready: true }, {});
    const taken = decidePromote(stages, { stage: 6, phase: 'failed', target: 7, recentlyRouted: ['production'] }, { values: at(6), ready: true }, {});
    const drains = (d: PromoteDecision) => (d.kind === 'promote' ? d.moves.flatMap((m) => m.steps.map((s) => s.drainBefore)) : []);
    assert.deepEqual(drains(calm), [false]);
    assert.deepEqual(drains(taken), [true]);
  });

  it('each step says which Deployments it gates, waits for and routes', () => {
    const d = decidePromote(stages, { stage: 1, phase: 'in-progress' }, { values: at(1), ready: true }, {});
    assert.equal(d.kind, 'promote');
    const steps = d.kind === 'promote' ? d.moves[0]!.steps : [];
    assert.deepEqual(steps.map((s) => ({ gate: s.gate, waitFor: s.waitFor, moves: s.movesTraffic, after: s.movesTraffic ? s.routedAfter : 'unchanged' })), [
      { gate: [], waitFor: ['canary'], moves: false, after: 'unchanged' },
      { gate: ['canary'], waitFor: ['canary'], moves: true, after: ['production'] },
    ]);
  });
});

describe('decideRollback', () => {
  it('from a stage: the plan order, from what the cluster runs', () => {
    const d = decideRollback(stages, { stage: 4, phase: 'in-progress', recentlyRouted: stages[3]!.recentlyRouted }, { values: at(4) });
    assert.deepEqual(d.from, at(4));
    assert.deepEqual(d.steps.at(-1)!.values, at(1));
    assert.equal(d.changedByHand, undefined);
  });
  it('names the fields changed by hand, and takes them back', () => {
    const d = decideRollback(stages, { stage: 3, phase: 'in-progress' }, { values: edited(at(3)) });
    assert.deepEqual(d.changedByHand?.map((f) => `${f.field} ${f.actual}`), ['production.weight 70', 'canary.weight 30']);
    assert.deepEqual(d.steps.at(-1)!.values, at(1));
  });
  it('from the recorded stage when the cluster cannot be read', () => assert.deepEqual(decideRollback(stages, { stage: 5, phase: 'failed' }, {}).from, at(5)));
});

describe('stageShownBy (a record rebuilt from the cluster)', () => {
  it('a stage', () => assert.equal(stageShownBy(stages, at(4)), 4));
  it('midway to a stage: the one before', () => assert.equal(stageShownBy(stages, midway(2, 1)), 1));
  it('nothing the plan knows: stage 1', () => assert.equal(stageShownBy(stages, edited(at(3))), 1));
});
