// promote: applies the next stage, or every stage up to --to in order, never skipping one.
// What to apply is the engine's decision (decidePromote), from the record and what the cluster
// runs, so a promote interrupted mid-stage resumes where it stopped; this file carries it out.
import { decidePromote, noRolloutInProgress, plannedApplies, stageTitle, ROLES, type FieldDifference, type PromoteDecision, type Stage } from '../engine/index.js';
import { BadRequestError, BlockedError, StageFailedError } from './rollout-errors.js';
import { readCluster } from './cluster-view.js';
import { specFor, stagesOf, type RunnerContext } from './context.js';
import { runApplies } from './execute-applies.js';
import { ensureNotPending, takeOver, withLock } from './guard.js';
import { saveRecord } from './record.js';
import { rollbackLocked } from './rollback.js';
import type { StoredRecord } from './ports.js';
import { readinessTimeoutMs, waitForState } from './wait-for-pods.js';

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
    const inactive = noRolloutInProgress(stored?.record, options);
    if (inactive || !stored) return refuse(ctx, inactive ?? { kind: 'no-rollout' }, stored ? stagesOf(ctx, stored.record) : [], stored);
    await ensureNotPending(ctx, options.recover ?? false);
    return promoteLocked(ctx, stored, options);
  });
}

// The decisions that apply nothing: nothing to do (a re-run pipeline job), or a refusal.
function refuse(ctx: RunnerContext, decision: Exclude<PromoteDecision, { kind: 'promote' }>, stages: Stage[], stored: StoredRecord | undefined): PromoteResult {
  const { release, namespace } = ctx.spec;
  const name = (n: number) => stages[n - 1]?.name ?? '';
  switch (decision.kind) {
    case 'already-completed':
      ctx.reporter.info(`${release} already completed its rollout at stage ${decision.stage}: nothing to apply`);
      return { stored: stored!, stages, applied: [] };
    case 'already-at':
      ctx.reporter.info(`${release} is already at stage ${decision.stage} (${name(decision.stage)}): nothing to apply`);
      return { stored: stored!, stages, applied: [] };
    case 'no-rollout': {
      const why = decision.last === undefined ? 'there is no rollout record' : `the last rollout ${decision.last === 'completed' ? 'completed' : 'was rolled back'}`;
      throw new BlockedError(`no rollout of ${release} is in progress in namespace ${namespace} (${why})`, ['start one with: helm-canary start --new-tag TAG']);
    }
    case 'rollback-interrupted':
      throw new BlockedError(`a rollback of ${release} was interrupted`, ['finish it with: helm-canary rollback']);
    case 'drift': {
      const details = driftLines(decision.differences);
      throw new BlockedError(`the cluster no longer matches stage ${decision.stage} (${name(decision.stage)}) of the rollout record: someone changed it by hand`, [
        ...details,
        'restore it, roll back with: helm-canary rollback, or promote anyway with --force',
      ]);
    }
    case 'complete':
      throw new BlockedError(`the rollout of ${release} is complete (stage ${decision.stage}, ${name(decision.stage)}): nothing to promote`);
    case 'refused':
      throw new BadRequestError(`cannot promote: ${decision.reason}`);
  }
}

// The drift, field by field; none listed means an object could not be read at all.
function driftLines(differences: FieldDifference[] | undefined): string[] {
  if (!differences?.length) return ['the release Deployments or VirtualService could not be read'];
  return differences.map((d) => `${d.field}: record says ${d.expected}, cluster has ${d.actual}`);
}

/** promoteLocked is promote once the lease is held (start uses it too). */
export async function promoteLocked(ctx: RunnerContext, initial: StoredRecord, options: PromoteOptions): Promise<PromoteResult> {
  let stored = initial;
  const stages = stagesOf(ctx, stored.record);
  const decision = decidePromote(stages, stored.record, await readCluster(ctx), options);
  if (decision.kind !== 'promote') return refuse(ctx, decision, stages, stored);
  if (decision.driftIgnored) ctx.reporter.warn(`drift ignored (--force): ${driftLines(decision.driftIgnored).join('; ')}`);
  const from = decision.from;
  if (decision.recordReached) {
    // The run that applied stage `from` was killed after its last apply and before it recorded
    // it: record the stage now, so record, history and cluster agree again.
    stored = await saveRecord(ctx, stored, { stage: from, target: undefined, phase: from === stages.length ? 'completed' : 'in-progress' }, {
      action: 'promote', from: from - 1, to: from, result: 'ok', message: 'recorded by a later run: the run that applied it was interrupted',
    });
    ctx.reporter.info(`stage ${from} (${stages[from - 1]!.name}) was applied by an interrupted run, and its pods are ready; recorded it`);
  }

  let current = stored;
  const applied: number[] = decision.recordReached && decision.moves.length === 0 ? [from] : [];
  for (const move of decision.moves) {
    const stage = stages[move.stage - 1]!;
    const title = stageTitle(stage);
    const holder = { stored: await saveRecord(ctx, current, { phase: 'promoting', target: move.stage, lastError: undefined, ...takeOver(ctx, current.record) }) };
    try {
      const applies = plannedApplies(specFor(ctx, current.record), title, move.steps, (apply) => ({ stage: move.stage, apply }));
      // --force is a person's decision to overwrite what was changed by hand: helm 4 must then take
      // those fields back too, or its server-side apply refuses the very change the person chose.
      await runApplies(ctx, holder, applies, move.from, { takeOwnership: options.force === true });
      // A stage is reached when its values are applied and its pods are ready, all of them: a
      // stage re-done after a failure may have had nothing left to apply, only pods to wait for.
      const problems = await waitForState(ctx, stage.values, ROLES, readinessTimeoutMs(ctx));
      if (problems.length) throw new StageFailedError(`${title} is not in place`, problems);
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      try {
        current = await saveRecord(ctx, holder.stored, { phase: 'failed', lastError: message }, { action: 'fail', from: move.stage - 1, to: move.stage, result: 'failed', message });
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
        throw new StageFailedError(`${message}; the release was rolled back to ${current.record.stableTag}`, details, true);
      }
      throw err;
    }
    current = holder.stored;
    const done = move.stage === stages.length;
    current = await saveRecord(ctx, current, { stage: move.stage, target: undefined, phase: done ? 'completed' : 'in-progress' }, { action: 'promote', from: move.stage - 1, to: move.stage, result: 'ok' });
    applied.push(move.stage);
    ctx.reporter.outcome({ kind: 'stage-reached', stage: move.stage, of: stages.length, name: stage.name });
  }
  return { stored: current, stages, applied };
}
