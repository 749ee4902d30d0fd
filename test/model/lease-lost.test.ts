// A command whose lease was taken over stops before its next change (exit 4) and records why
// (issue 10, defect 9): from then on another run may be moving the release.
import { it } from 'node:test';
import assert from 'node:assert/strict';
import { runModel } from './run-model.js';
import type { Step } from './model-steps.js';

it('a rollout whose lease is taken mid-stage stops before its next helm call, exit 4, and the record says failed', async () => {
  // call 16 falls in stage 2's wait for the canary pods, after its first apply
  const steps = [{ do: 'start', newTag: 'v2', to: 4, fault: { kind: 'lease-lost', atCall: 16, how: 'taken' } }] as Step[];
  const { violations, trace } = await runModel({ plan: 'seven-stage', replicas: 2, drainSeconds: 10, firstTag: 'v1' }, steps);
  assert.deepEqual(violations, []);
  const text = trace.join('\n');
  assert.match(text, /start --new-tag v2 --to 4 .*-> BlockedError \(exit 4\): the lease on web was lost \(the lease was taken by [^)]+\): stopped before the next change/);
  // one apply (the canary pods, weight 0) and no traffic moved
  assert.match(text, /prod v1×2 @100 \/ canary v2×2 @0 .*\| record failed at 1->2/);
});
