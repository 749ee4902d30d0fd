// Which stage a set of observed values corresponds to: a stage, a step inside a stage's applies
// (an interrupted promote), a step of a rollback, or nothing the plan knows (drift).
import { sameValues } from './transition.js';
import { planRollbackFrom } from './rollback.js';
import { ROLES, type Stage, type StageValues } from './types.js';

/** Position says where observed values sit in a rollout. */
export type Position =
  | { kind: 'stage'; stage: number }
  | { kind: 'promoting'; stage: number; apply: number; of: number }
  | { kind: 'rolling-back'; from: number; apply: number; of: number }
  | { kind: 'unknown' };

/**
 * identifyPosition finds where `observed` sits. Whole stages win over intermediate steps; when
 * `hint` (the stage the record says) is given, matches near it are preferred.
 */
export function identifyPosition(stages: Stage[], observed: StageValues, hint?: number): Position {
  const exact = stages.filter((s) => sameValues(s.values, observed)).map((s) => s.number);
  if (exact.length) {
    const best = hint !== undefined && exact.includes(hint) ? hint : exact[0]!;
    return { kind: 'stage', stage: best };
  }
  const order = hint !== undefined ? [...stages].sort((a, b) => Math.abs(a.number - hint) - Math.abs(b.number - hint)) : stages;
  for (const stage of order) {
    const i = stage.applies.findIndex((a) => sameValues(a.values, observed));
    if (i >= 0 && stage.number > 1) return { kind: 'promoting', stage: stage.number, apply: i + 1, of: stage.applies.length };
  }
  for (const stage of order) {
    if (stage.number === 1) continue;
    const applies = planRollbackFrom(stages, stage.number);
    const i = applies.findIndex((a) => sameValues(a.values, observed));
    if (i >= 0) return { kind: 'rolling-back', from: stage.number, apply: i + 1, of: applies.length };
  }
  return { kind: 'unknown' };
}

/** FieldDifference is one value that differs between what a stage asks for and what is there. */
export interface FieldDifference {
  field: string;
  expected: string | number;
  actual: string | number;
}

/** diffValues lists each field where `actual` differs from `expected`. */
export function diffValues(expected: StageValues, actual: StageValues): FieldDifference[] {
  const diffs: FieldDifference[] = [];
  for (const role of ROLES) {
    for (const field of ['repository', 'tag', 'replicas', 'weight'] as const) {
      if (expected[role][field] !== actual[role][field]) {
        diffs.push({ field: `${role}.${field}`, expected: expected[role][field], actual: actual[role][field] });
      }
    }
  }
  return diffs;
}
