// Executes the applies the engine decided, in order. Each apply is:
//   1. the drain wait, when it removes pods that had traffic moments ago;
//   2. the traffic gate: every Deployment the apply gives more traffic must have its current
//      pods ready at their image, now (a failed or interrupted earlier run may have left pods
//      that never became ready: their values being in the cluster proves nothing);
//   3. one `helm upgrade` without --wait (helm's wait covers every workload of the release, a
//      crash-looping one the step does not touch included);
//   4. a wait on the Deployments the apply changed, and only those, then verification of every
//      value it set.
// Which Deployments each step gates, waits for and counts as routed is the engine's decision
// (PlannedApply); this file only carries it out, keeping the record current so another process
// can take over.
import type { PlannedApply, StageValues } from '../engine/index.js';
import { isRefusal, StageFailedError } from './rollout-errors.js';
import type { ApplyPorts, RecordPorts, WaitPorts } from './context.js';
import { ensureLockHeld } from './guard.js';
import type { RolloutRecord, StoredRecord, UpgradeOptions } from './ports.js';
import { saveRecord } from './record.js';
import { readinessTimeoutMs, waitForState } from './wait-for-pods.js';

/**
 * RecordHolder is the rollout record as last written. The applies keep it current as they write,
 * so a caller that catches their failure records it over the latest version, not a stale one.
 */
export interface RecordHolder {
  stored: StoredRecord;
}

async function drain(ctx: WaitPorts, record: RolloutRecord): Promise<void> {
  const seconds = record.plan.drainSeconds;
  if (seconds <= 0 || !record.lastWeightChangeAt) return;
  const elapsed = ctx.clock.now().getTime() - Date.parse(record.lastWeightChangeAt);
  const remaining = seconds * 1000 - elapsed;
  if (remaining <= 0) return;
  const task = ctx.reporter.task(`draining: waiting ${Math.ceil(remaining / 1000)}s for Envoy to stop routing to pods about to be removed`);
  await ctx.clock.sleep(remaining);
  task.done();
}

// Records who counts as recently routed from now: before helm moves weights (a run killed after
// they reach the cluster must not leave a record saying traffic never moved, or a later removal
// of these pods would skip its drain) and again once they have moved.
async function recordRouted(ctx: RecordPorts, holder: RecordHolder | undefined, routed: PlannedApply['routedAfter']): Promise<void> {
  if (!holder) return;
  holder.stored = await saveRecord(ctx, holder.stored, { lastWeightChangeAt: ctx.clock.now().toISOString(), recentlyRouted: routed });
}

/**
 * applyOne runs one apply coming from `before` (undefined: a first install). Throws
 * StageFailedError (helm's own message included) when the gate, helm or the wait fails.
 */
async function applyOne(ctx: ApplyPorts, holder: RecordHolder | undefined, apply: PlannedApply, before: StageValues | undefined, options: UpgradeOptions): Promise<void> {
  const timeoutMs = readinessTimeoutMs(ctx);
  if (before && apply.gate.length > 0) {
    const problems = await waitForState(ctx, before, apply.gate, timeoutMs);
    if (problems.length) throw new StageFailedError(`${apply.title}: no traffic was moved, because the pods that would receive it are not ready`, problems);
  }
  if (apply.movesTraffic) await recordRouted(ctx, holder, apply.routedWhileApplying);
  try {
    await ctx.values.withFile(apply.valuesFile, apply.values, (path) => {
      // Checked last thing before helm runs: the gate's wait above may have been long.
      ensureLockHeld(ctx);
      const argv = apply.helm.map((word) => (word === apply.valuesFile ? path : word));
      return ctx.helm.upgrade(argv, ctx.spec.overlay ? { ...options, overlayValuesFile: path } : options);
    });
  } catch (err) {
    // A refusal (the lease lost, helm stuck or unable to reach the cluster) is not a failed stage.
    if (isRefusal(err)) throw err;
    throw new StageFailedError(`${apply.title}: helm upgrade failed`, [(err as Error).message]);
  }
  const waits = apply.waitFor.length > 0;
  const problems = await waitForState(ctx, apply.state, apply.waitFor, waits ? Math.max(timeoutMs, ctx.verifyTimeoutMs) : ctx.verifyTimeoutMs);
  if (problems.length) {
    const what = problems.some((p) => / ready replicas | still rolling out/.test(p)) ? `pods not ready within ${ctx.spec.helm.timeout}` : 'the cluster does not match what was applied';
    throw new StageFailedError(`${apply.title}: ${what}`, problems);
  }
  if (apply.movesTraffic) await recordRouted(ctx, holder, apply.routedAfter);
}

/**
 * runApplies runs each apply in order from `from` (what the caller read of the cluster), keeping
 * `holder` current when there is a rollout record. Throws StageFailedError when an apply or its
 * verification fails; the record then still describes the last state reached.
 */
export async function runApplies(ctx: ApplyPorts, holder: RecordHolder | undefined, applies: PlannedApply[], from: StageValues | undefined, options: UpgradeOptions = {}): Promise<void> {
  let before = from;
  for (const apply of applies) {
    if (apply.drainBefore && holder) await drain(ctx, holder.stored.record);
    const task = ctx.reporter.task(`${apply.step}: ${apply.purpose}`);
    try {
      await applyOne(ctx, holder, apply, before, options);
    } catch (err) {
      task.fail();
      throw err;
    }
    task.done();
    before = apply.state;
  }
}
