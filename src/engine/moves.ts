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
