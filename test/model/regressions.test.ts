// Every sequence the runner model ever failed on, kept as a named row (issue 9: "every failure it
// ever found becomes a named regression row"). Each row is a shrunk counterexample of the property
// in runner-model.test.ts, sometimes trimmed by hand to the steps that matter; `found` says what
// went wrong when it was found, so a row that fails again explains itself. A row passes when every
// invariant holds through the whole sequence.
//
// Kills name the port they strike at ("the first helm.upgrade") rather than a call number, so a
// row keeps meaning the same moment when the runner adds or drops a read.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { ModelSetup, Step } from './model-steps.js';
import { formatFailure, runModel } from './run-model.js';

interface Row {
  name: string;
  /** What broke when the row was found, and against which tree. */
  found: string;
  setup: ModelSetup;
  steps: Step[];
}

const SEVEN: ModelSetup = { plan: 'seven-stage', replicas: 2, drainSeconds: 10, firstTag: 'v1' };

const ROWS: Row[] = [
  {
    name: 'a canary that never became ready gets no traffic from the next promote',
    found: 'dde5376: start failed at stage 2 (canary 0/2 ready), then promote shifted 100/0 -> 90/10 to it (issue 9, case 1)',
    setup: SEVEN,
    steps: [{ do: 'start', newTag: 'never-ready' }, { do: 'promote' }],
  },
  {
    name: 'a promote that stops at the traffic gate fails as a stage (exit 1), not as a record conflict',
    found: 'd97ec62 (the e2e failure tests): the weight change was recorded before the gate, and the failure was then written over the stale version: exit 4 "another run changed the rollout record"',
    setup: SEVEN,
    steps: [{ do: 'start', newTag: 'never-ready' }, { do: 'promote' }],
  },
  {
    name: 'a failed stage is never recorded as reached by a later promote',
    found: 'dde5376: the second promote recorded stage 2 as "applied by an interrupted run" with the canary 0/2 ready',
    setup: SEVEN,
    steps: [{ do: 'start', newTag: 'never-ready' }, { do: 'promote' }, { do: 'promote' }],
  },
  {
    name: 'production that crash-loops after stage 5 does not get the traffic back',
    found: 'dde5376: promote shifted production 0 % -> 100 % with its crash-loop pods 0/2 ready',
    setup: SEVEN,
    steps: [{ do: 'start', newTag: 'crash-loop', to: 5 }, { do: 'wait', seconds: 30 }, { do: 'promote' }],
  },
  {
    name: 'rollback at stage 6 with a crash-looping new version restores stable in one run',
    found: 'dde5376: rollback waited the whole helm timeout on the crash-looping production Deployment (helm --wait) and failed at its first step (issue 9, case 2)',
    setup: SEVEN,
    steps: [{ do: 'start', newTag: 'crash-loop', to: 6 }, { do: 'wait', seconds: 30 }, { do: 'rollback' }],
  },
  {
    name: 'rollback from a never-ready canary restores stable in one run',
    found: 'dde5376: the promote before it gave the never-ready canary 10 %',
    setup: SEVEN,
    steps: [{ do: 'start', newTag: 'never-ready' }, { do: 'promote' }, { do: 'rollback' }],
  },
  {
    name: 'a lost record at stage 3: status says a rollout is in progress, rollback restores stable',
    found:
      'dde5376: status said "no rollout recorded" and rollback did nothing with 90 % on the canary (issue 9, case 3). ' +
      'd97ec62: rollback rebuilt the record but wrote it as in-progress at stage 1 while the cluster was at stage 3',
    setup: SEVEN,
    steps: [{ do: 'start', newTag: 'v2', to: 3 }, { do: 'delete-record' }, { do: 'rollback' }],
  },
  {
    name: 'deploy is refused while the cluster shows a rollout, record or not',
    found: 'dde5376: status hid the rollout after the record was lost; deploy would have removed canary pods carrying 90 %',
    setup: SEVEN,
    steps: [{ do: 'start', newTag: 'v2', to: 3 }, { do: 'delete-record' }, { do: 'deploy', tag: 'v1' }],
  },
  {
    name: 'a killed promote is shown as interrupted once its lease is gone',
    found: 'dde5376: status kept showing phase "promoting" with no lease and nothing running (issue 9, case 4)',
    setup: SEVEN,
    steps: [{ do: 'start', newTag: 'v2', fault: { kind: 'kill', port: 'helm.upgrade', atCall: 1, landed: false } }, { do: 'wait', seconds: 70 }, { do: 'status' }],
  },
  {
    name: 'rollback clears a release a killed helm left pending, without --recover',
    found: 'dde5376: rollback refused with "stuck in pending-upgrade ... run again with --recover" (and status showed the stale "promoting" first)',
    setup: SEVEN,
    steps: [{ do: 'start', newTag: 'v2', fault: { kind: 'kill', port: 'helm.upgrade', atCall: 1, landed: true } }, { do: 'wait', seconds: 70 }, { do: 'rollback' }],
  },
  {
    name: 'a dry run with --recover changes nothing',
    found: 'dde5376: promote --recover --dry-run ran helm rollback on the pending release',
    setup: SEVEN,
    steps: [{ do: 'start', newTag: 'v2', fault: { kind: 'kill', port: 'helm.upgrade', atCall: 1, landed: true } }, { do: 'wait', seconds: 70 }, { do: 'promote', recover: true, dryRun: true }],
  },
  {
    name: '--recover keeps the pods that already run the pending revision',
    found: 'dde5376: --recover rolled helm back to the last deployed revision, removing the 2 ready canary pods the pending revision had started (issue 9, case 6)',
    setup: SEVEN,
    steps: [{ do: 'start', newTag: 'v2', fault: { kind: 'kill', port: 'helm.upgrade', atCall: 1, landed: true } }, { do: 'wait', seconds: 70 }, { do: 'promote', recover: true }],
  },
  {
    name: 'promote --to N after a run killed once stage N was applied records stage N',
    found: '770d258 (the failures-under-load tier, case 6): the engine answered "already at stage 2: nothing to apply" and left the record promoting at stage 1',
    setup: SEVEN,
    steps: [{ do: 'start', newTag: 'v2', fault: { kind: 'kill', port: 'helm.upgrade', atCall: 2, landed: true } }, { do: 'wait', seconds: 70 }, { do: 'promote', to: 2, recover: true }],
  },
  {
    name: 'a rollback whose record was deleted mid-detour is finished by the next rollback',
    found: '770d258 (1500 runs, seed 1): both Deployments ran the stable tag (traffic detoured through the canary), so the rebuilt record took the stable tag as the new one too: PlanError "newTag: must differ from the stable tag", exit 4',
    setup: { plan: 'all-at-once', replicas: 1, drainSeconds: 5, firstTag: 'v1' },
    steps: [{ do: 'start', newTag: 'crash-loop' }, { do: 'promote', to: 4 }, { do: 'rollback', fault: { kind: 'record-deleted', atCall: 33 } }, { do: 'rollback' }],
  },
  {
    name: 'start does not record stage 1 as in place while production is not ready',
    found: 'dde5376 and d97ec62: after a deploy whose pods crash-loop, start wrote in-progress at stage 1 with production 0/2 ready',
    setup: SEVEN,
    steps: [{ do: 'deploy', tag: 'crash-loop' }, { do: 'wait', seconds: 30 }, { do: 'start', newTag: 'v1' }],
  },
  {
    name: 'a rollback interrupted after its traffic shift: the next rollback still drains the canary',
    found:
      'd97ec62: the first rollback moved 90/10 -> 100/0 and got SIGINT before recording the weight change; ' +
      'the second removed the canary pods 0 s after they last had traffic (drain 10 s): recentlyRouted/lastWeightChangeAt are written only after an apply',
    setup: SEVEN,
    steps: [{ do: 'start', newTag: 'v2' }, { do: 'rollback', fault: { kind: 'kill', port: 'records.write', atCall: 2, landed: false, signal: true } }, { do: 'rollback' }],
  },
  {
    name: 'a rollback killed inside its traffic-shift upgrade: the next rollback still drains the canary',
    found: 'd97ec62: as above, with the kill inside the helm upgrade that moved the traffic (the revision left pending-upgrade)',
    setup: SEVEN,
    steps: [{ do: 'start', newTag: 'v2' }, { do: 'rollback', fault: { kind: 'kill', port: 'helm.upgrade', atCall: 1, landed: true, signal: true } }, { do: 'rollback' }],
  },
  {
    name: 'the record deleted during a rollback: the rebuilt rollout still drains the canary',
    found:
      'd97ec62 (shrunk by fast-check): the record vanished after the traffic shift; the second rollback rebuilt a record ' +
      'without lastWeightChangeAt, skipped the drain and removed the canary pods 0 s after their traffic stopped',
    setup: { plan: 'seven-stage', replicas: 1, drainSeconds: 5, firstTag: 'v2' },
    steps: [{ do: 'start', newTag: 'v1' }, { do: 'rollback', fault: { kind: 'record-deleted', atCall: 5 } }, { do: 'rollback' }],
  },
  {
    name: 'a lost record at stage 6: rollback drains the canary before re-templating it',
    found:
      'd97ec62 (shrunk by fast-check): the rebuilt record has no lastWeightChangeAt, so the drain was skipped and the detour ' +
      're-templated the canary 2 s after traffic back moved its 100 % away (drain 5 s)',
    setup: { plan: 'seven-stage', replicas: 1, drainSeconds: 5, firstTag: 'v1' },
    steps: [{ do: 'start', newTag: 'v3', to: 6 }, { do: 'delete-record' }, { do: 'rollback' }],
  },
  {
    name: 'rolling back a completed rollout, interrupted and then without its record, keeps going back',
    found:
      'd97ec62: v1 -> v2 completed; rollback (back to v1) got SIGINT after production was back on v1; with the record lost, ' +
      'the next rollback rebuilt a rollout whose stable is the newest at-rest helm revision (v2, stage 7), re-templated production back to v2, ' +
      'wrote that record as in-progress at stage 1 while production ran v1, and removed canary pods 5 s after their traffic (drain 10 s)',
    setup: SEVEN,
    steps: [
      { do: 'start', newTag: 'v2', to: 7 },
      { do: 'rollback', fault: { kind: 'kill', port: 'records.write', atCall: 3, landed: false, signal: true } },
      { do: 'delete-record' },
      { do: 'rollback' },
    ],
  },
  {
    name: 'a promote whose traffic shift applied but helm failed: rollback drains before replacing canary pods',
    found:
      'dde5376 and d97ec62 (shrunk by fast-check): stage 5 (traffic back) applied, helm failed after applying; rollback ' +
      're-templated the canary 2 s after it last had 100 % (drain 5 s), timing the drain from the weight change before',
    setup: { plan: 'half-then-all', replicas: 1, drainSeconds: 5, firstTag: 'v1' },
    steps: [{ do: 'start', newTag: 'v3', to: 4 }, { do: 'promote', fault: { kind: 'helm-error', atUpgrade: 1, when: 'after-apply' } }, { do: 'rollback' }],
  },
];

describe('runner model regressions', () => {
  for (const row of ROWS) {
    it(row.name, async () => {
      const result = await runModel(row.setup, row.steps);
      assert.equal(result.violations.length, 0, `found: ${row.found}\n${formatFailure(result)}`);
    });
  }
});
