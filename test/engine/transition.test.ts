import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { planRollbackFrom, planStages, planTransition, EngineError, type Apply, type Plan, type StageValues } from '../../src/engine/index.js';

const spec = { repository: 'r', stableTag: 'S', newTag: 'N', replicas: 2 };
const seven: Plan = { name: 't', steps: [{ weight: 10 }, { weight: 90 }, { weight: 100 }], finalStepMustBe100: true, drainSeconds: 0 };
const stages = planStages(spec, seven);

// Compact form of an apply: "P tag/replicas/weight C tag/replicas/weight", '!' when drained first.
function short(a: Apply): string {
  const v = a.values;
  const d = (x: StageValues['production']) => `${x.tag}/${x.replicas}/${x.weight}`;
  return `${a.drainBefore ? '!' : ''}P ${d(v.production)} C ${d(v.canary)}`;
}

describe('applies of each stage (make before break)', () => {
  const table: [number, string[]][] = [
    [1, ['P S/2/100 C S/0/0']],
    // canary pods come up at weight 0 and are waited for before they get traffic
    [2, ['P S/2/100 C N/2/0', 'P S/2/90 C N/2/10']],
    [3, ['P S/2/10 C N/2/90']],
    [4, ['P S/2/0 C N/2/100']],
    // production had traffic in stage 3: drain before its pods are replaced
    [5, ['!P N/2/0 C N/2/100']],
    [6, ['P N/2/100 C N/2/0']],
    // the canary had all traffic in stage 5: drain before it is scaled to 0
    [7, ['!P N/2/100 C N/0/0']],
  ];
  for (const [number, expected] of table) {
    it(`stage ${number}`, () => assert.deepEqual(stages[number - 1]!.applies.map(short), expected));
  }
});

describe('rollback sequences', () => {
  const table: [number, string[]][] = [
    [2, ['P S/2/100 C N/2/0', '!P S/2/100 C S/0/0']],
    [3, ['P S/2/100 C N/2/0', '!P S/2/100 C S/0/0']],
    [4, ['P S/2/100 C N/2/0', '!P S/2/100 C S/0/0']],
    // production already runs N but has no traffic: restore it before traffic moves back. The
    // runner's record still counts production as recently routed (it lost its traffic at stage
    // 4, and stage 5 moved no weights), so the plan marks the drain the runner would wait for.
    [5, ['!P S/2/0 C N/2/100', 'P S/2/100 C N/2/0', '!P S/2/100 C S/0/0']],
    // production runs N with all traffic: detour traffic through a canary running S
    [6, ['!P N/2/100 C S/2/0', 'P N/2/0 C S/2/100', '!P S/2/0 C S/2/100', 'P S/2/100 C S/2/0', '!P S/2/100 C S/0/0']],
    [7, ['P N/2/100 C S/2/0', 'P N/2/0 C S/2/100', '!P S/2/0 C S/2/100', 'P S/2/100 C S/2/0', '!P S/2/100 C S/0/0']],
  ];
  for (const [from, expected] of table) {
    it(`from stage ${from}`, () => {
      const applies = planRollbackFrom(stages, from);
      assert.deepEqual(applies.map(short), expected);
      assert.deepEqual(applies.at(-1)!.values, stages[0]!.values);
    });
  }

  it('never routes traffic to a deployment whose pods change in the same apply', () => {
    const all = [...stages.flatMap((s) => s.applies.map((a, i) => [i === 0 ? stages[s.number - 2]?.values ?? a.values : s.applies[i - 1]!.values, a] as const))];
    for (let n = 2; n <= 7; n++) {
      let prev = stages[n - 1]!.values;
      for (const a of planRollbackFrom(stages, n)) {
        all.push([prev, a]);
        prev = a.values;
      }
    }
    for (const [before, apply] of all) {
      for (const role of ['production', 'canary'] as const) {
        const podsChange = before[role].tag !== apply.values[role].tag || before[role].replicas > apply.values[role].replicas;
        const weightUp = apply.values[role].weight > before[role].weight;
        assert.ok(!(podsChange && before[role].replicas > 0 && (weightUp || (before[role].weight > 0 && apply.values[role].weight > 0))), `${role}: ${short(apply)}`);
        assert.ok(!(weightUp && before[role].tag !== apply.values[role].tag), `new pods get traffic in the same apply: ${short(apply)}`);
      }
    }
  });
});

describe('planTransition', () => {
  it('returns nothing when nothing changes', () => {
    assert.deepEqual(planTransition(stages[2]!.values, stages[2]!.values), []);
  });
  it('refuses to route traffic to a deployment with no replicas', () => {
    const bad: StageValues = { production: { repository: 'r', tag: 'S', replicas: 2, weight: 50 }, canary: { repository: 'r', tag: 'N', replicas: 0, weight: 50 } };
    assert.throws(() => planTransition(stages[0]!.values, bad), EngineError);
  });
  it('scales a canary up while it keeps traffic, in one apply', () => {
    const from: StageValues = { production: { repository: 'r', tag: 'S', replicas: 4, weight: 90 }, canary: { repository: 'r', tag: 'N', replicas: 1, weight: 10 } };
    const to: StageValues = { production: { repository: 'r', tag: 'S', replicas: 4, weight: 50 }, canary: { repository: 'r', tag: 'N', replicas: 2, weight: 50 } };
    assert.deepEqual(planTransition(from, to).map(short), ['P S/4/90 C N/2/10', 'P S/4/50 C N/2/50']);
  });
});
