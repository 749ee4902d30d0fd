// history: the rollout record's transitions (who moved the release, from which stage to which,
// when, with what result), with each stage's name from the record's own plan. Reads only.
import { planStages } from '../engine/index.js';
import { BadRequestError } from './rollout-errors.js';
import { planOf } from './context.js';
import type { HistoryEntry, RecordStore, RolloutPhase } from './ports.js';

/** RolloutHistory is the `history --output json` document (README, "history"). */
export interface RolloutHistory {
  release: string;
  namespace: string;
  plan: string;
  stableTag: string;
  newTag: string;
  phase: RolloutPhase;
  startedAt: string;
  startedBy: string;
  /** Oldest first, as recorded; `fromName`/`toName` are the stages' names in the rollout's plan. */
  entries: (HistoryEntry & { fromName: string; toName: string })[];
}

/** readHistory reads the rollout record of `release`; a release without one is a BadRequestError (exit 2). */
export async function readHistory(records: Pick<RecordStore, 'read'>, namespace: string, release: string): Promise<RolloutHistory> {
  const stored = await records.read(namespace, release);
  if (!stored) {
    throw new BadRequestError(`no rollout record for release ${release} in namespace ${namespace}`, [
      'helm-canary start (or run) writes one when a rollout begins',
      `helm's own revisions: helm history ${release} --namespace ${namespace}`,
    ]);
  }
  const { record } = stored;
  const names = planStages(record, planOf(record)).map((s) => s.name);
  // A record from a plan with other stages than today's still shows its numbers.
  const name = (stage: number) => names[stage - 1] ?? `stage ${stage}`;
  return {
    release,
    namespace,
    plan: record.plan.name,
    stableTag: record.stableTag,
    newTag: record.newTag,
    phase: record.phase,
    startedAt: record.startedAt,
    startedBy: record.startedBy,
    entries: record.history.map((e) => ({ ...e, fromName: name(e.from), toName: name(e.to) })),
  };
}
