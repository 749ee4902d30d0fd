// A long wait on pods says what it waits for: without a terminal (a CI log) the only sign of a
// stuck rollout before the timeout would otherwise be silence for up to helm.timeout.
import { it } from 'node:test';
import assert from 'node:assert/strict';
import { runModel } from './run-model.js';

it('a wait on pods that never become ready reports its ready counts and what it waits for about every 5 s, then fails at the timeout', async () => {
  const { violations, trace } = await runModel({ plan: 'seven-stage', replicas: 2, drainSeconds: 10, firstTag: 'v1' }, [{ do: 'start', newTag: 'never-ready' }]);
  assert.deepEqual(violations, []);
  const waiting = trace.filter((l) => /info:\s+waiting \d+s of 300s: canary 0\/2 ready; canary Deployment web-canary has 0\/2 ready replicas at registry\.example\/web:never-ready/.test(l));
  // 300 s of waiting, one line per 5 s
  assert.ok(waiting.length >= 55 && waiting.length <= 61, `${waiting.length} progress lines:\n${trace.join('\n')}`);
  assert.ok(trace.some((l) => /start --new-tag never-ready -> StageFailedError \(exit 1\).*pods not ready within 300s/.test(l)), trace.join('\n'));
});
