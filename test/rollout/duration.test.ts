import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { durationMs } from '../../src/rollout/duration.js';

describe('durationMs reads helm --timeout values', () => {
  const table: [string, number][] = [['5m', 300_000], ['300s', 300_000], ['1m30s', 90_000], ['1.5h', 5_400_000], ['250ms', 250], ['4s', 4000]];
  for (const [text, ms] of table) it(text, () => assert.equal(durationMs(text), ms));
  it('refuses text that is not a duration', () => {
    for (const text of ['', '5', 'five minutes', '5m x']) assert.throws(() => durationMs(text), RangeError, text);
  });
});
