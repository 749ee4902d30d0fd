import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { newReplicaSetTarget, oldReplicaSetTargets, resolveFenceposts, scaledValue } from '../../sim/controllers/rollout-math.js';
import { sameTemplate, templateHash } from '../../sim/controllers/template-hash.js';

describe('rollout math', () => {
  const fenceposts: [string, number, number | string | undefined, number | string | undefined, { surge: number; unavailable: number }][] = [
    ['defaults on 4', 4, undefined, undefined, { surge: 1, unavailable: 1 }],
    ['25 % of 2 rounds surge up, unavailable down', 2, '25%', '25%', { surge: 1, unavailable: 0 }],
    ['both zero would deadlock', 3, 0, 0, { surge: 0, unavailable: 1 }],
    ['zero replicas', 0, '25%', '25%', { surge: 0, unavailable: 1 }],
    ['ints', 10, 3, 2, { surge: 3, unavailable: 2 }],
    ['100 % surge', 3, '100%', 0, { surge: 3, unavailable: 0 }],
  ];
  for (const [name, replicas, surge, unavailable, want] of fenceposts) {
    it(`resolveFenceposts: ${name}`, () => assert.deepEqual(resolveFenceposts(replicas, surge, unavailable), want));
  }

  it('scaledValue accepts numeric strings and falls back on garbage', () => {
    assert.equal(scaledValue('2', 10, true), 2);
    assert.equal(scaledValue('junk', 4, true), 1);
  });

  const newTargets: [string, number, number, { desired: number; available: number }, { desired: number; available: number }[], number][] = [
    ['first surge step', 4, 1, { desired: 0, available: 0 }, [{ desired: 4, available: 4 }], 1],
    ['after one old pod went', 4, 1, { desired: 1, available: 1 }, [{ desired: 3, available: 3 }], 2],
    ['no room left', 4, 1, { desired: 1, available: 0 }, [{ desired: 4, available: 4 }], 1],
    ['never beyond replicas', 2, 5, { desired: 0, available: 0 }, [{ desired: 2, available: 2 }], 2],
    ['scale down a too-big new set', 2, 1, { desired: 4, available: 4 }, [], 2],
  ];
  for (const [name, replicas, surge, fresh, old, want] of newTargets) {
    it(`newReplicaSetTarget: ${name}`, () => assert.equal(newReplicaSetTarget(replicas, surge, fresh, old), want));
  }

  const oldTargets: [string, number, number, { desired: number; available: number }, { desired: number; available: number }[], number[]][] = [
    ['new pods not available yet: nothing goes', 2, 0, { desired: 2, available: 1 }, [{ desired: 1, available: 1 }], [1]],
    ['new pods available: old goes', 2, 0, { desired: 2, available: 2 }, [{ desired: 1, available: 1 }], [0]],
    ['unhealthy old pods go first', 2, 0, { desired: 1, available: 1 }, [{ desired: 2, available: 0 }], [1]],
    ['one may be unavailable', 4, 1, { desired: 1, available: 0 }, [{ desired: 4, available: 4 }], [3]],
    ['oldest set first', 4, 1, { desired: 1, available: 1 }, [{ desired: 2, available: 2 }, { desired: 2, available: 2 }], [0, 2]],
  ];
  for (const [name, replicas, unavailable, fresh, old, want] of oldTargets) {
    it(`oldReplicaSetTargets: ${name}`, () => assert.deepEqual(oldReplicaSetTargets(replicas, unavailable, fresh, old), want));
  }
});

describe('pod-template-hash', () => {
  const t = { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'c', image: 'x:1' }] } };
  it('ignores key order and the hash label, changes with the template', () => {
    const reordered = { spec: { containers: [{ image: 'x:1', name: 'c' }] }, metadata: { labels: { app: 'web', 'pod-template-hash': 'zzz' } } };
    assert.equal(templateHash(t), templateHash(reordered));
    assert.ok(sameTemplate(t, reordered));
    const changed = { ...t, spec: { containers: [{ name: 'c', image: 'x:2' }] } };
    assert.notEqual(templateHash(t), templateHash(changed));
    assert.notEqual(templateHash(t), templateHash(t, 1));
    assert.match(templateHash(t), /^[bcdfghjklmnpqrstvwxz2456789]+$/);
  });
});
