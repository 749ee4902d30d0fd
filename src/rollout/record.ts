// Reading and writing the rollout record, always conflict-checked against the version read.
import type { Plan, ReleaseSpec } from '../engine/index.js';
import type { RecordPorts, RunnerContext } from './context.js';
import type { HistoryEntry, RolloutRecord, StoredRecord } from './ports.js';

/** saveRecord writes `changes` over the stored record and returns the new stored record. */
export async function saveRecord(ctx: RecordPorts, stored: { record: RolloutRecord; version: string | undefined }, changes: Partial<RolloutRecord>, entry?: Omit<HistoryEntry, 'at' | 'by'>): Promise<StoredRecord> {
  const now = ctx.clock.now().toISOString();
  const record: RolloutRecord = { ...stored.record, ...changes };
  if (entry) {
    record.history = [...record.history, { at: now, by: ctx.actor, ...entry }];
    record.lastTransitionAt = now;
  }
  const version = await ctx.records.write(record, stored.version);
  return { record, version };
}

/** newRecord is the record of a rollout that starts now, at stage 1. */
export function newRecord(ctx: Pick<RunnerContext, 'clock' | 'actor'>, spec: Pick<ReleaseSpec, 'release' | 'namespace' | 'repository' | 'replicas'>, stableTag: string, newTag: string, plan: Plan): RolloutRecord {
  const now = ctx.clock.now().toISOString();
  return {
    release: spec.release,
    namespace: spec.namespace,
    stableTag,
    newTag,
    repository: spec.repository,
    replicas: spec.replicas,
    plan: { name: plan.name, steps: plan.steps.map((s) => ({ ...s })), finalStepMustBe100: plan.finalStepMustBe100, drainSeconds: plan.drainSeconds },
    stage: 1,
    phase: 'in-progress',
    startedAt: now,
    startedBy: ctx.actor,
    lastTransitionAt: now,
    history: [],
  };
}

/** isActive is true while a rollout holds the release (a new one may not start, deploy is refused). */
export function isActive(record: RolloutRecord | undefined): boolean {
  return record !== undefined && record.phase !== 'completed' && record.phase !== 'rolled-back';
}
