import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { matchesFields, matchesLabels, parseFieldSelector, parseLabelSelector } from '../../sim/store/selectors.js';
import type { KubeObject } from '../../sim/store/types.js';

const labels = { app: 'web', track: 'canary', tier: 'front' };

describe('label selectors', () => {
  const cases: Array<[string, boolean]> = [
    ['app=web', true],
    ['app==web', true],
    ['app=api', false],
    ['app!=api', true],
    ['missing!=x', true],
    ['track in (canary, stable)', true],
    ['track in (stable)', false],
    ['track notin (stable)', true],
    ['missing notin (x)', true],
    ['tier', true],
    ['missing', false],
    ['!missing', true],
    ['!tier', false],
    ['app=web,track in (canary,stable),!missing', true],
    ['app=web,track=stable', false],
    ['', true],
  ];
  for (const [selector, expected] of cases) {
    it(`${JSON.stringify(selector)} -> ${expected}`, () => {
      assert.equal(matchesLabels(parseLabelSelector(selector), labels), expected);
    });
  }

  it('rejects malformed selectors', () => {
    assert.throws(() => parseLabelSelector('a b c'));
  });
});

describe('field selectors', () => {
  const obj: KubeObject = { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p1', namespace: 'ns' }, status: { phase: 'Running' } };
  const cases: Array<[string, boolean]> = [
    ['metadata.name=p1', true],
    ['metadata.name=p2', false],
    ['metadata.name!=p2', true],
    ['metadata.namespace=ns,metadata.name=p1', true],
    ['status.phase==Running', true],
  ];
  for (const [selector, expected] of cases) {
    it(`${JSON.stringify(selector)} -> ${expected}`, () => {
      assert.equal(matchesFields(parseFieldSelector(selector), obj), expected);
    });
  }
});
