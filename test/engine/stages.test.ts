import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { planStages, stageCount, PlanError, type Plan, type StageValues } from '../../src/engine/index.js';

const spec = { repository: 'acr.io/bookinfo/productpage', stableTag: '83', newTag: '84', replicas: 2 };
const plan = (steps: Plan['steps'], extra: Partial<Plan> = {}): Plan => ({ name: 't', steps, finalStepMustBe100: true, drainSeconds: 0, ...extra });
const seven = plan([{ weight: 10 }, { weight: 90 }, { weight: 100 }]);

// Row = [name, prod tag, prod weight, prod replicas, canary tag, canary replicas, canary weight]
type Row = [string, string, number, number, string, number, number];
function row(v: StageValues, name: string): Row {
  return [name, v.production.tag, v.production.weight, v.production.replicas, v.canary.tag, v.canary.replicas, v.canary.weight];
}

describe('planStages', () => {
  it('reproduces the seven stages of DESIGN.md exactly', () => {
    const expected: Row[] = [
      ['stable', '83', 100, 2, '83', 0, 0],
      ['canary 10 %', '83', 90, 2, '84', 2, 10],
      ['canary 90 %', '83', 10, 2, '84', 2, 90],
      ['canary 100 %', '83', 0, 2, '84', 2, 100],
      ['production updated', '84', 0, 2, '84', 2, 100],
      ['traffic back', '84', 100, 2, '84', 2, 0],
      ['new stable', '84', 100, 2, '84', 0, 0],
    ];
    const stages = planStages(spec, seven);
    assert.deepEqual(stages.map((s) => row(s.values, s.name)), expected);
    assert.deepEqual(stages.map((s) => s.number), [1, 2, 3, 4, 5, 6, 7]);
    for (const s of stages) {
      assert.equal(s.values.production.repository, spec.repository);
      assert.equal(s.values.canary.repository, spec.repository);
    }
  });

  it('derives eight stages from steps 5, 25, 50, 100', () => {
    const gradual = plan([{ weight: 5 }, { weight: 25 }, { weight: 50 }, { weight: 100 }]);
    const stages = planStages(spec, gradual);
    assert.equal(stageCount(gradual), stages.length);
    assert.equal(stageCount(seven), 7);
    assert.deepEqual(stages.map((s) => s.name), ['stable', 'canary 5 %', 'canary 25 %', 'canary 50 %', 'canary 100 %', 'production updated', 'traffic back', 'new stable']);
    assert.deepEqual(stages.map((s) => s.values.canary.weight), [0, 5, 25, 50, 100, 100, 0, 0]);
  });

  it('keeps every stage weight an integer summing to 100', () => {
    for (const steps of [[10, 90, 100], [1, 100], [33, 66, 100], [100]]) {
      for (const s of planStages(spec, plan(steps.map((weight) => ({ weight }))))) {
        assert.equal(s.values.production.weight + s.values.canary.weight, 100, `${steps} stage ${s.number}`);
      }
    }
  });

  it('sizes the canary per step, by count or percent of production', () => {
    const stages = planStages({ ...spec, replicas: 4 }, plan([{ weight: 10, canaryReplicas: '25%' }, { weight: 50, canaryReplicas: 2 }, { weight: 100, canaryReplicas: '100%' }]));
    assert.deepEqual(stages.map((s) => s.values.canary.replicas), [0, 1, 2, 4, 4, 4, 0]);
  });

  it('allows a last step below 100 only when the plan says so', () => {
    assert.throws(() => planStages(spec, plan([{ weight: 10 }, { weight: 50 }])), /steps\[1\]: the last step must be 100 \(got 50\)/);
    const stages = planStages(spec, plan([{ weight: 10 }, { weight: 50 }], { finalStepMustBe100: false }));
    assert.deepEqual(stages.map((s) => [s.values.production.weight, s.values.canary.weight]), [[100, 0], [90, 10], [50, 50], [50, 50], [100, 0], [100, 0]]);
  });

  const invalid: [string, Plan, RegExp][] = [
    ['no steps', plan([]), /^steps: must list at least one/m],
    ['weight above 100', plan([{ weight: 10 }, { weight: 120 }]), /^steps\[1\]: must be a whole number between 1 and 100 \(got 120\)/m],
    ['weight zero', plan([{ weight: 0 }, { weight: 100 }]), /^steps\[0\]: must be a whole number between 1 and 100 \(got 0\)/m],
    ['fractional weight', plan([{ weight: 12.5 }, { weight: 100 }]), /^steps\[0\]: .*got 12\.5/m],
    ['decreasing weights', plan([{ weight: 50 }, { weight: 10 }, { weight: 100 }]), /^steps\[1\]: must be greater than the step before it \(50\), got 10/m],
    ['bad canary replicas', plan([{ weight: 10, canaryReplicas: '0%' }, { weight: 100 }]), /^steps\[0\]\.canaryReplicas: must be a whole number >= 1/m],
    ['canary shrinking under traffic', plan([{ weight: 10, canaryReplicas: 2 }, { weight: 100, canaryReplicas: 1 }]), /^steps\[1\]\.canaryReplicas: must not be fewer than the step before it \(2\)/m],
    ['negative drain', plan([{ weight: 100 }], { drainSeconds: -1 }), /^drainSeconds: must be 0 or more/m],
  ];
  for (const [name, p, message] of invalid) {
    it(`rejects a plan with ${name}`, () => {
      assert.throws(() => planStages(spec, p), (err: unknown) => err instanceof PlanError && message.test(err.message));
    });
  }

  it('lists every problem of a plan at once', () => {
    try {
      planStages({ ...spec, newTag: '83' }, plan([{ weight: 0 }, { weight: 120 }]));
      assert.fail('expected a PlanError');
    } catch (err) {
      assert.ok(err instanceof PlanError);
      assert.deepEqual(err.problems.map((p) => p.path), ['steps[0]', 'steps[1]', 'newTag']);
    }
  });
});
