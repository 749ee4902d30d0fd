// The stored record is checked on every read: version 1 (with or without schemaVersion) reads
// back as written; a newer schema or a corrupt field is refused, by field path.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readStoredRecord, storedRecordDocument } from '../../src/record/record-schema.js';
import type { RolloutRecord } from '../../src/record/record.js';

const RECORD: RolloutRecord = {
  release: 'web', namespace: 'shop', stableTag: '83', newTag: '84', repository: 'acr.io/web', replicas: 2,
  plan: { name: 'seven-stage', steps: [{ weight: 10 }, { weight: 90, canaryReplicas: '50%' }, { weight: 100 }], finalStepMustBe100: true, drainSeconds: 10 },
  stage: 3, phase: 'promoting', target: 4, startedAt: '2026-01-01T10:00:00.000Z', startedBy: 'ci@runner', lastTransitionAt: '2026-01-01T10:05:00.000Z',
  recentlyRouted: ['production', 'canary'],
  objects: { production: 'web-production', canary: 'web-canary', virtualService: 'web', subsets: { production: 'production', canary: 'canary' } },
  history: [{ at: '2026-01-01T10:00:00.000Z', by: 'ci@runner', action: 'start', from: 1, to: 2, result: 'ok' }],
};

/** stored is the record as a store holds it (JSON), with `edit` applied to the decoded document. */
function stored(edit: (doc: Record<string, any>) => void = () => {}): unknown {
  const doc = JSON.parse(JSON.stringify(storedRecordDocument(RECORD)));
  edit(doc);
  return doc;
}

describe('readStoredRecord', () => {
  it('reads a version 1 record back as it was written, without the schema version', () => {
    assert.deepEqual(readStoredRecord(stored()), { ok: true, record: RECORD });
  });

  it('reads a record written before schemaVersion existed as version 1', () => {
    assert.deepEqual(readStoredRecord(stored((d) => delete d.schemaVersion)), { ok: true, record: RECORD });
  });

  it('keeps a field this build does not know, so a rewrite does not drop it', () => {
    const read = readStoredRecord(stored((d) => (d.note = 'kept')));
    assert.ok(read.ok);
    assert.equal((read.record as unknown as { note: string }).note, 'kept');
  });

  it('refuses a record from a newer schema, saying which', () => {
    assert.deepEqual(readStoredRecord(stored((d) => (d.schemaVersion = 2))), { ok: false, problems: [], newerVersion: 2 });
  });

  const corrupt: [string, (d: Record<string, any>) => void, RegExp][] = [
    ['a field of the wrong type', (d) => (d.stage = 'three'), /^stage: /],
    ['an unknown phase', (d) => (d.phase = 'paused'), /^phase: /],
    ['a stage beyond the plan', (d) => (d.stage = 9), /^stage: stage 9 is outside the plan's stages 1\.\.7$/],
    ['a target beyond the plan', (d) => (d.target = 8), /^target: stage 8 is outside the plan's stages 1\.\.7$/],
    ['a stage of 0', (d) => (d.stage = 0), /^stage: must be a stage number/],
    ['a missing field', (d) => delete d.stableTag, /^stableTag: is required$/],
    ['a history entry with an unknown action', (d) => (d.history[0].action = 'jump'), /^history\[0\]\.action: /],
    ['a role that is not one', (d) => (d.recentlyRouted = ['blue']), /^recentlyRouted\[0\]: /],
    ['not an object at all', (d) => Object.keys(d).forEach((k) => delete d[k]), /^release: is required$/],
  ];
  for (const [what, edit, problem] of corrupt) {
    it(`refuses ${what}, naming the field`, () => {
      const read = readStoredRecord(stored(edit));
      assert.equal(read.ok, false);
      assert.ok(!read.ok && read.problems.some((p) => problem.test(p)), JSON.stringify(read));
    });
  }
});
