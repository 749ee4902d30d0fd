// The gate of `helm-canary run`: start (or resume) a rollout, then after each stage show the
// status and let the Approver choose among the moves the engine allows: promote to the next
// stage, roll back, or hold.
import { offeredMoves, type Move } from '../../../engine/index.js';
import { stagesOf, type RunnerContext } from '../../../rollout/context.js';
import { isActive } from '../../../rollout/record.js';
import { BadRequestError } from '../../../rollout/rollout-errors.js';
import { promote } from '../../../rollout/promote.js';
import { rollback } from '../../../rollout/rollback.js';
import { start } from '../../../rollout/start.js';
import { readStatus, type ReleaseStatus } from '../../../rollout/status.js';
import { renderStatusText } from '../../render/status-text.js';
import type { Approver, GateOption, GateState } from './approver.js';

/** GateRequest is what `run` was asked: the new tag (not needed to resume) and what a failed stage does. */
export interface GateRequest {
  newTag?: string;
  rollbackOnFailure?: boolean;
}

/** HOLD_LABEL is the gate's last choice. */
const HOLD: GateOption = { move: { kind: 'hold' }, label: 'hold (exit; resume later with run or promote)' };

// After a failure, an interrupted run, or with pods not ready, the gate says so and offers the way back first.
function isTroubled(status: ReleaseStatus): boolean {
  return status.phase === 'failed' || status.phase === 'interrupted' || status.problems.length > 0;
}

/**
 * gateMoves are the moves the engine offers from the status's stage. The gate always offers
 * rollback: at stage 1 it removes what a failed stage 2 left behind.
 */
export function gateMoves(status: ReleaseStatus): Move[] {
  if (!status.stage) return [{ kind: 'rollback' }];
  return offeredMoves(status.stage.number, status.stage.of, { troubled: isTroubled(status), leftovers: true });
}

function labelOf(move: Move, stageNames: readonly string[], status: ReleaseStatus): string {
  return move.kind === 'promote' ? `promote to stage ${move.to} (${stageNames[move.to - 1]})` : `roll back to ${status.stableTag}`;
}

function gateState(ctx: RunnerContext, status: ReleaseStatus): GateState {
  return { release: ctx.spec.release, stableTag: status.stableTag, stage: status.stage, position: status.position, troubled: isTroubled(status) };
}

// Starts the rollout, or resumes the one in progress (which must be of the same tag).
async function startOrResume(ctx: RunnerContext, request: GateRequest): Promise<string[]> {
  const { namespace, release } = ctx.spec;
  const existing = await ctx.records.read(namespace, release);
  if (existing && isActive(existing.record)) {
    const r = existing.record;
    if (request.newTag && request.newTag !== r.newTag) throw new BadRequestError(`a rollout of ${r.release} to ${r.newTag} is in progress; finish or roll it back before releasing ${request.newTag}`);
    ctx.reporter.info(`resuming the rollout of ${r.release}: ${r.stableTag} -> ${r.newTag}, stage ${r.stage}`);
    return stagesOf(ctx, r).map((s) => s.name);
  }
  if (!request.newTag) throw new BadRequestError('run needs --new-tag to start a rollout (none is in progress)');
  await start(ctx, { newTag: request.newTag, rollbackOnFailure: request.rollbackOnFailure });
  const started = await ctx.records.read(namespace, release);
  return started ? stagesOf(ctx, started.record).map((s) => s.name) : [];
}

/**
 * runGate is `helm-canary run` once its context is built: statuses go to `write` (stdout), progress
 * to the context's reporter. Ends at a completed rollout, a hold or a rollback.
 */
export async function runGate(ctx: RunnerContext, request: GateRequest, approver: Approver, write: (text: string) => void): Promise<void> {
  const stageNames = await startOrResume(ctx, request);
  for (;;) {
    const status = await readStatus(ctx);
    write(`\n${renderStatusText(status)}\n\n`);
    if (status.phase === 'completed') {
      ctx.reporter.info(`rollout complete: ${ctx.spec.release} runs ${status.newTag} as the new stable`);
      return;
    }
    const state = gateState(ctx, status);
    const options = [...gateMoves(status).map((move) => ({ move, label: labelOf(move, stageNames, status) })), HOLD];
    const chosen = await approver.choose(options, state);
    if (chosen.kind === 'hold') {
      ctx.reporter.info(`holding at stage ${status.stage?.number}; resume with: helm-canary run, or helm-canary promote`);
      return;
    }
    if (chosen.kind === 'rollback') {
      if (!(await approver.confirmRollback(state))) continue;
      await rollback(ctx, {});
      write(`\n${renderStatusText(await readStatus(ctx))}\n`);
      return;
    }
    await promote(ctx, { rollbackOnFailure: request.rollbackOnFailure });
  }
}
