// Which moves are legal from a stage: promote one stage at a time, roll back from any stage
// after the first, never skip a stage.

/** Move is one thing a person (or a pipeline) may do next. */
export type Move = { kind: 'promote'; to: number } | { kind: 'rollback' };

/** legalMoves lists the moves from stage `current` of a plan with `total` stages. */
export function legalMoves(current: number, total: number): Move[] {
  const moves: Move[] = [];
  if (current < total) moves.push({ kind: 'promote', to: current + 1 });
  if (current > 1) moves.push({ kind: 'rollback' });
  return moves;
}

/** Situation is what, besides the stage, decides the moves offered to a person. */
export interface Situation {
  /** A stage failed or was interrupted, or pods are not ready where the release is. */
  troubled: boolean;
  /** Something may be left to remove even at stage 1 (a failed stage 2's canary pods). */
  leftovers: boolean;
}

/**
 * offeredMoves are the legal moves from `current` in the order a person is offered them: the way
 * back first when the release is in trouble, and rollback offered at stage 1 too when something
 * may be left to remove there.
 */
export function offeredMoves(current: number, total: number, situation: Situation): Move[] {
  const moves = legalMoves(current, total);
  if (!moves.some((m) => m.kind === 'rollback') && (situation.troubled || situation.leftovers)) moves.push({ kind: 'rollback' });
  return situation.troubled ? [...moves.filter((m) => m.kind === 'rollback'), ...moves.filter((m) => m.kind !== 'rollback')] : moves;
}

/**
 * promotionPath lists the stages a promote from `current` to `target` applies, in order, or
 * a reason why it may not: the target is behind, equal, or past the last stage.
 */
export function promotionPath(current: number, target: number, total: number): { stages: number[] } | { refused: string } {
  if (!Number.isInteger(target) || target < 1 || target > total) return { refused: `stage ${target} does not exist (the plan has stages 1..${total})` };
  if (target === current) return { refused: `the release is already at stage ${target}` };
  if (target < current) return { refused: `stage ${target} is behind the current stage ${current}; use rollback to go back` };
  const stages: number[] = [];
  for (let n = current + 1; n <= target; n++) stages.push(n);
  return { stages };
}
