// The rollout's position as step outputs, so that later steps and jobs can branch on it:
// GitHub reads them from the $GITHUB_OUTPUT file, Azure from setvariable log commands.
import { randomUUID } from 'node:crypto';
import type { ReleaseStatus } from '../rollout/status.js';

/** STEP_OUTPUT_NAMES are the outputs every mutating command publishes (legal names in both CIs). */
export const STEP_OUTPUT_NAMES = ['stage', 'stage_name', 'stages', 'stable_tag', 'new_tag', 'phase', 'production_weight', 'canary_weight'] as const;

/** StepOutputs maps each output name to its value ('' when unknown). */
export type StepOutputs = Record<(typeof STEP_OUTPUT_NAMES)[number], string>;

/** stepOutputs picks the published values out of a status document. */
export function stepOutputs(status: ReleaseStatus): StepOutputs {
  const text = (value: string | number | null | undefined) => (value === null || value === undefined ? '' : String(value));
  return {
    stage: text(status.stage?.number),
    stage_name: text(status.stage?.name),
    stages: text(status.stage?.of),
    // Without a rollout record the production tag is the stable one (a plain deploy).
    stable_tag: text(status.stableTag ?? status.production.tag),
    new_tag: text(status.newTag),
    phase: status.phase,
    production_weight: text(status.production.weight),
    canary_weight: text(status.canary.weight),
  };
}

/** githubOutputLines formats outputs for the $GITHUB_OUTPUT file; multi-line values get a heredoc. */
export function githubOutputLines(outputs: Record<string, string>): string {
  return Object.entries(outputs)
    .map(([name, value]) => {
      if (!/[\r\n]/.test(value)) return `${name}=${value}\n`;
      const delimiter = `ghadelimiter_${randomUUID()}`;
      return `${name}<<${delimiter}\n${value}\n${delimiter}\n`;
    })
    .join('');
}
