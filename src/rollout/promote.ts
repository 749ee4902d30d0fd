// promote: applies the next stage, or every stage up to --to in order, never skipping one.
// Before applying, the cluster must still be where the record says; each move is computed from
// what the cluster runs, so a promote interrupted mid-stage resumes where it stopped.
import { ROLES, diffValues, identifyPosition, planTransition, promotionPath, type Stage, type StageValues } from '../engine/index.js';
import { BadRequestError, BlockedError, StageFailedError } from './rollout-errors.js';
import { readCluster, readinessTimeoutMs, runApplies, waitForState } from './apply-values.js';
import { stagesOf, type RunnerContext } from './context.js';
import { ensureNotPending, weightsMayHaveJustMoved, withLock } from './guard.js';
import { isActive, saveRecord } from './record.js';
import { rollbackLocked } from './rollback.js';
import type { StoredRecord } from './ports.js';
import { verifyLive } from './verify.js';

/** PromoteOptions are promote's flags. */
export interface PromoteOptions {
  to?: number;
  force?: boolean;
  recover?: boolean;
  rollbackOnFailure?: boolean;
}

/** PromoteResult says where the release ended. */
export interface PromoteResult {
  stored: StoredRecord;
  stages: Stage[];
  applied: number[];
}

/** promote runs `promote` holding the release's lease. */
export function promote(ctx: RunnerContext, options: PromoteOptions): Promise<PromoteResult> {
  return withLock(ctx, async () => {
    const stored = await ctx.records.read(ctx.spec.namespace, ctx.spec.release);
    if (stored?.record.phase === 'completed' && options.to === stored.record.stage) {
      // The last pipeline job re-run after it succeeded.
      ctx.reporter.info(`${ctx.spec.release} already completed its rollout at stage ${options.to}: nothing to apply`);
      return { stored, stages: stagesOf(ctx, stored.record), applied: [] };
    }
    if (!stored || !isActive(stored.record)) {
      const why = stored ? `the last rollout ${stored.record.phase === 'completed' ? 'completed' : 'was rolled back'}` : 'there is no rollout record';
      throw new BlockedError(`no rollout of ${ctx.spec.release} is in progress in namespace ${ctx.spec.namespace} (${why})`, ['start one with: helm-canary start --new-tag TAG']);
    }
    await ensureNotPending(ctx, options.recover ?? false);
    return promoteLocked(ctx, stored, options);
  });
}

/** Where a promote starts from: the stage reached, and the stage being re-done, if any. */
interface StartingPoint {
  stage: number;
  /** A stage whose values an earlier run applied (some or all) but that was never reached. */
  resuming?: number;
  /** The target stage's values and pods were in place: an interrupted run reached it and did not record it. */
  reachedUnrecorded?: boolean;
  observed?: StageValues;
}

/**
 * currentStage finds the stage the cluster is at, refusing (or with --force, accepting) drift.
 * A stage counts as reached only when its values are applied AND its pods are ready: values in
 * place with pods that never became ready are a stage to re-do, never one to go past.
 */
async function currentStage(ctx: RunnerContext, stored: StoredRecord, stages: Stage[], force: boolean): Promise<StartingPoint> {
  const { record } = stored;
  if (record.phase === 'rolling-back') {
    throw new BlockedError(`a rollback of ${record.release} was interrupted`, ['finish it with: helm-canary rollback']);
  }
  const { live, observed } = await readCluster(ctx);
  const objects = await ctx.objects();
  const expected = stages[record.stage - 1]!.values;
  const hint = record.target ?? record.stage;
  const position = observed ? identifyPosition(stages, observed, hint) : ({ kind: 'unknown' } as const);
  if (position.kind === 'stage' && position.stage === record.stage) return { stage: record.stage, observed };
  if (position.kind === 'stage' && position.stage === record.target) {
    const ready = verifyLive(live, stages[position.stage - 1]!.values, objects).length === 0;
    return ready ? { stage: position.stage, reachedUnrecorded: true, observed } : { stage: position.stage - 1, resuming: position.stage, observed };
  }
  if (position.kind === 'promoting' && position.stage === record.target) return { stage: position.stage - 1, resuming: position.stage, observed };
  const details = observed
    ? diffValues(expected, observed).map((d) => `${d.field}: record says ${d.expected}, cluster has ${d.actual}`)
    : ['the release Deployments or VirtualService could not be read'];
  if (!force) {
    throw new BlockedError(`the cluster no longer matches stage ${record.stage} (${stages[record.stage - 1]!.name}) of the rollout record: someone changed it by hand`, [
      ...details,
      'restore it, roll back with: helm-canary rollback, or promote anyway with --force',
    ]);
  }
  ctx.reporter.warn(`drift ignored (--force): ${details.join('; ')}`);
  return { stage: record.stage, observed };
}

/** promoteLocked is promote once the lease is held (start uses it too). */
export async function promoteLocked(ctx: RunnerContext, initial: StoredRecord, options: PromoteOptions): Promise<PromoteResult> {
  let stored = initial;
  const stages = stagesOf(ctx, stored.record);
  const { stage: from, resuming, reachedUnrecorded, observed: seen } = await currentStage(ctx, stored, stages, options.force ?? false);
  if (reachedUnrecorded) {
    // The run that applied stage `from` was killed after its last apply and before it recorded
    // it: record the stage now, so record, history and cluster agree again.
    const done = from === stages.length;
    stored = await saveRecord(ctx, stored, { stage: from, target: undefined, phase: done ? 'completed' : 'in-progress' }, {
      action: 'promote', from: from - 1, to: from, result: 'ok', message: 'recorded by a later run: the run that applied it was interrupted',
    });
    ctx.reporter.info(`stage ${from} (${stages[from - 1]!.name}) was applied by an interrupted run, and its pods are ready; recorded it`);
    // The interrupted run was taking the release to this stage: a person judges it before the next.
    if (options.to === undefined) return { stored, stages, applied: [from] };
  }
  const target = options.to ?? (resuming ?? from + 1);
  if (from === stages.length && options.to !== from) throw new BlockedError(`the rollout of ${ctx.spec.release} is complete (stage ${from}, ${stages[from - 1]!.name}): nothing to promote`);
  if (options.to !== undefined && target === from && !resuming) {
    // A pipeline job re-run after it succeeded: nothing to do, and not an error.
    ctx.reporter.info(`${ctx.spec.release} is already at stage ${from} (${stages[from - 1]!.name}): nothing to apply`);
    return { stored, stages, applied: [] };
  }
  const path = promotionPath(from, target, stages.length);
  if ('refused' in path) throw new BadRequestError(`cannot promote to stage ${target}: ${path.refused}`);

  let current = stored;
  const applied: number[] = [];
  // Read once (by currentStage): after each stage the cluster is verified at that stage's values.
  let observed = seen ?? stages[from - 1]!.values;
  for (const number of path.stages) {
    const stage = stages[number - 1]!;
    const title = `stage ${number} (${stage.name})`;
    const holder = { stored: await saveRecord(ctx, current, { phase: 'promoting', target: number, lastError: undefined, ...weightsMayHaveJustMoved(ctx, current.record) }) };
    try {
      const applies = planTransition(observed, stage.values, { recentlyRouted: holder.stored.record.recentlyRouted, allowRollingUnderTraffic: holder.stored.record.plan.steps.at(-1)!.weight < 100 });
      await runApplies(ctx, holder, applies, { title, file: `stage-${number}` }, observed);
      // A stage is reached when its values are applied and its pods are ready, all of them: a
      // stage re-done after a failure may have had nothing left to apply, only pods to wait for.
      if (!ctx.dryRun) {
        const problems = await waitForState(ctx, stage.values, ROLES, readinessTimeoutMs(ctx));
        if (problems.length) throw new StageFailedError(`${title} is not in place`, problems);
      }
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      try {
        current = await saveRecord(ctx, holder.stored, { phase: 'failed', lastError: message }, { action: 'fail', from: number - 1, to: number, result: 'failed', message });
      } catch (saveErr) {
        // The failure is what the user must see: a record that cannot be written (another run
        // took the lease and wrote it, the API is down) must not hide it.
        ctx.reporter.warn(`the failure could not be recorded: ${(saveErr as Error).message}`);
        throw err;
      }
      if (options.rollbackOnFailure) {
        ctx.reporter.warn(`${title} failed; rolling back (--rollback-on-failure)`);
        await rollbackLocked(ctx, current);
        const details = err instanceof StageFailedError ? err.details : [];
        throw new StageFailedError(`${title} failed and the release was rolled back to ${current.record.stableTag}: ${message}`, details, true);
      }
      throw err;
    }
    current = holder.stored;
    observed = stage.values;
    const done = number === stages.length;
    current = await saveRecord(ctx, current, { stage: number, target: undefined, phase: done ? 'completed' : 'in-progress' }, { action: 'promote', from: number - 1, to: number, result: 'ok' });
    applied.push(number);
    ctx.reporter.info(ctx.dryRun ? `[dry run] stage ${number} of ${stages.length} (${stage.name}) would be in place` : `stage ${number} of ${stages.length} (${stage.name}) is in place`);
  }
  return { stored: current, stages, applied };
}
