// rollback: from any stage, or any state an interrupted command left, back to the stable values,
// in the engine's safe order; done only when the cluster is verified at stable.
import { planTransition } from '../engine/index.js';
import { StageFailedError } from '../cli/errors.js';
import { readObserved, runApplies, verifyApplied } from './apply-values.js';
import { stagesOf, type RunnerContext } from './context.js';
import { ensureNotPending, withLock } from './guard.js';
import { saveRecord } from './record.js';
import type { StoredRecord } from './ports.js';

/** RollbackOptions are rollback's flags. */
export interface RollbackOptions {
  recover?: boolean;
}

/** rollback runs `rollback` holding the release's lease. */
export function rollback(ctx: RunnerContext, options: RollbackOptions): Promise<StoredRecord | undefined> {
  return withLock(ctx, async () => {
    const stored = await ctx.records.read(ctx.spec.namespace, ctx.spec.release);
    if (!stored) {
      // A pipeline's rollback job after a rejected first approval lands here: nothing was changed.
      ctx.reporter.info(`no rollout of ${ctx.spec.release} was ever started in namespace ${ctx.spec.namespace}: nothing to roll back`);
      return undefined;
    }
    if (stored.record.phase === 'rolled-back') {
      ctx.reporter.info(`${ctx.spec.release} was already rolled back to ${stored.record.stableTag}`);
      return stored;
    }
    await ensureNotPending(ctx, options.recover ?? false);
    return rollbackLocked(ctx, stored);
  });
}

/** rollbackLocked is rollback once the lease is held (promote's --rollback-on-failure uses it). */
export async function rollbackLocked(ctx: RunnerContext, stored: StoredRecord): Promise<StoredRecord> {
  const stages = stagesOf(ctx, stored.record);
  const stable = stages[0]!.values;
  const from = stored.record.stage;
  let current = await saveRecord(ctx, stored, { phase: 'rolling-back' });
  const observed = (await readObserved(ctx)) ?? stages[from - 1]!.values;
  // Every deployment may have had traffic moments ago when a command was interrupted.
  const recentlyRouted = current.record.recentlyRouted ?? ['production', 'canary'];
  const applies = planTransition(observed, stable, { recentlyRouted });
  current = await runApplies(ctx, current, applies, { title: 'rollback', file: 'rollback' }, observed);
  const problems = await verifyApplied(ctx, stable);
  if (problems.length) throw new StageFailedError('rollback applied, but the cluster is not verified at stable', problems);
  current = await saveRecord(ctx, current, { stage: 1, target: undefined, phase: 'rolled-back', lastError: undefined }, { action: 'rollback', from, to: 1, result: 'ok' });
  ctx.reporter.info(`rolled back: ${ctx.spec.release} runs ${current.record.stableTag} with all traffic on production`);
  return current;
}
