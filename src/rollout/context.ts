// What every rollout command works with: the validated config, the ports, and who is acting.
import { planStages, type Plan, type ReleaseSpec, type Stage } from '../engine/index.js';
import type { Clock, ClusterReader, HelmReleases, RecordStore, ReleaseLock, ReleaseObjects, Reporter, RolloutRecord, ValuesFiles } from './ports.js';

/** RunnerContext carries the config and the adapters into each command. */
export interface RunnerContext {
  /** The release as configured; tags come from the record or the command. */
  spec: Omit<ReleaseSpec, 'stableTag' | 'newTag'>;
  plan: Plan;
  helm: HelmReleases;
  records: RecordStore;
  lock: ReleaseLock;
  reader: ClusterReader;
  values: ValuesFiles;
  clock: Clock;
  reporter: Reporter;
  /** Who is acting, for the record and the lease (user@host). */
  actor: string;
  /** Lease holder identity: actor plus process, so two shells of one user are told apart. */
  holder: string;
  lockTtlSeconds: number;
  /** How long to keep re-reading the cluster after helm returns before verification fails. */
  verifyTimeoutMs: number;
  /** Objects of the release, found from its manifest (or given in the config). */
  objects: () => Promise<ReleaseObjects>;
}

// The narrow sets of ports each piece of the runner takes, so a signature says what a step can
// touch: status gets read-only ports and cannot write, by type.

/** ReadPorts read the release's live objects. */
export type ReadPorts = Pick<RunnerContext, 'spec' | 'objects' | 'reader'>;

/** StatusPorts are read-only: the record, helm's revisions and the lease are read, never written. */
export type StatusPorts = ReadPorts & {
  records: Pick<RecordStore, 'read'>;
  helm: Pick<HelmReleases, 'status' | 'revisions' | 'values'>;
  lock: Pick<ReleaseLock, 'inspect'>;
};

/** RecordPorts write the rollout record. */
export type RecordPorts = Pick<RunnerContext, 'records' | 'clock' | 'actor'>;

/** LeasePorts take and keep the release's lease. */
export type LeasePorts = Pick<RunnerContext, 'spec' | 'lock' | 'holder' | 'lockTtlSeconds'>;

/** WaitPorts re-read the cluster until pods are ready, saying what they wait for. */
export type WaitPorts = ReadPorts & Pick<RunnerContext, 'clock' | 'reporter'>;

/** HelmPorts read helm's revisions of the release and clear a pending one. */
export type HelmPorts = ReadPorts & Pick<RunnerContext, 'helm' | 'reporter'>;

/** ApplyPorts run applies: helm upgrades with generated values files, the waits and the record. */
export type ApplyPorts = WaitPorts & RecordPorts & Pick<RunnerContext, 'helm' | 'values' | 'verifyTimeoutMs'>;

/** specFor is the engine's ReleaseSpec of a recorded rollout. */
export function specFor(ctx: Pick<RunnerContext, 'spec'>, record: RolloutRecord): ReleaseSpec {
  return { ...ctx.spec, repository: record.repository, replicas: record.replicas, stableTag: record.stableTag, newTag: record.newTag };
}

/** planOf is the engine's Plan of a recorded rollout (the plan as it was at start). */
export function planOf(record: RolloutRecord): Plan {
  return {
    name: record.plan.name,
    steps: record.plan.steps.map((s) => ({ weight: s.weight, canaryReplicas: s.canaryReplicas as Plan['steps'][number]['canaryReplicas'] })),
    finalStepMustBe100: record.plan.finalStepMustBe100,
    drainSeconds: record.plan.drainSeconds,
  };
}

/** stagesOf computes the stages of a recorded rollout. */
export function stagesOf(ctx: Pick<RunnerContext, 'spec'>, record: RolloutRecord): Stage[] {
  return planStages(specFor(ctx, record), planOf(record));
}
