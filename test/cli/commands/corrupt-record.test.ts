// A rollout record edited by hand into something this build cannot use, as a user meets it from
// the command line: exit 4, the ConfigMap, the wrong field and the way out; nothing applied.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { CliHarness, lines } from './harness.js';

const MESSAGE = 'the rollout record of web (ConfigMap shop/helm-canary-web) is corrupt or was edited by hand';
const DETAILS = [
  'phase: must be one of in-progress, promoting, rolling-back, failed, completed, rolled-back (got "paused")',
  'fix the fields named above in record.json with: kubectl edit configmap helm-canary-web -n shop',
  "or delete it (kubectl delete configmap helm-canary-web -n shop) and run: helm-canary rollback, which rebuilds the record from the cluster and helm's revisions",
];

// A rollout at stage 2 whose record was then set to a phase no helm-canary writes.
async function editedByHand(): Promise<CliHarness> {
  const h = await new CliHarness().given(['deploy', '--tag', 'v1'], ['start', '--new-tag', 'v2']);
  h.world.records.editByHand(JSON.stringify({ ...h.world.records.current()!, phase: 'paused' }));
  return h;
}

describe('a corrupt rollout record', () => {
  it('status: exit 4, naming the ConfigMap, the field and the fixes', async () => {
    const h = await editedByHand();
    const r = await h.run(['status']);
    assert.deepEqual(r, { exitCode: 4, stdout: '', stderr: lines(`error: ${MESSAGE}`, ...DETAILS.map((d) => `  ${d}`)) });
  });

  it('promote -o json: exit 4, the same error on stderr and as JSON on stdout, nothing applied', async () => {
    const h = await editedByHand();
    const revisions = h.world.helm.history.length;
    const r = await h.run(['promote', '-o', 'json']);
    assert.deepEqual(r, {
      exitCode: 4,
      stdout: `${JSON.stringify({ error: { message: MESSAGE, details: DETAILS, exitCode: 4 } })}\n`,
      stderr: lines(`error: ${MESSAGE}`, ...DETAILS.map((d) => `  ${d}`)),
    });
    assert.equal(h.world.helm.history.length, revisions);
  });
});
