// status: the release's stage, both deployments, the live weights, the rollout record and the
// next legal moves. Reads only; works from any machine with cluster access.
import { identifyPosition, offeredMoves, planRollbackFrom, planStages, type Move, type Position, type Stage, type StageValues } from '../engine/index.js';
import { BadRequestError } from './rollout-errors.js';
import { planOf, type StatusPorts } from './context.js';
import { liveToValues } from './live-values.js';
import type { DeploymentState, HelmReleaseStatus, LiveState, LockHolder, ReleaseObjects, RolloutPhase, RolloutRecord } from './ports.js';
import { halfwayMoves, halfwayPosition, leftHalfway } from './adopt.js';
import { isActive } from './record.js';
import { lastStableRevision, rolloutEvidence, type StableRevision } from './unrecorded.js';
import { verifyLive } from './verify.js';

/**
 * StatusPhase is the record's phase as it really is: `interrupted` when the record says a promote
 * or rollback is running but nobody holds the release's lease (the process was killed), and
 * `unrecorded` when the cluster shows a rollout that no active record describes.
 */
export type StatusPhase = RolloutPhase | 'interrupted' | 'unrecorded' | 'none';

/** DeploymentStatus is one deployment in status output. */
export interface DeploymentStatus {
  name: string;
  image?: string;
  tag?: string;
  desired?: number;
  ready?: number;
  weight?: number;
}

/** ReleaseStatus is the `status --output json` document (README, "status JSON"). */
export interface ReleaseStatus {
  release: string;
  namespace: string;
  stage: { number: number; name: string; of: number } | null;
  position: string;
  stableTag: string | null;
  newTag: string | null;
  phase: StatusPhase;
  /** What is not in place at the position shown: pods not ready at their image, values that differ. */
  problems: string[];
  production: DeploymentStatus;
  canary: DeploymentStatus;
  traffic: { virtualService: string; weights: Record<string, number> } | null;
  record: { plan: string; startedAt: string; startedBy: string; lastTransitionAt: string; target?: number; lastError?: string } | null;
  helm: HelmReleaseStatus | null;
  lock: LockHolder | null;
  nextMoves: string[];
}

function deploymentStatus(name: string, d: DeploymentState | undefined, weight: number | undefined): DeploymentStatus {
  if (!d) return { name };
  return { name, image: d.image, tag: d.tag, desired: d.desired, ready: d.ready, weight };
}

function describeMove(move: Move, names: string[]): string {
  return move.kind === 'promote' ? `promote to stage ${move.to} (${names[move.to - 1]})` : 'rollback';
}

/** StatusInputs is everything a status is computed from, read by the caller. */
export interface StatusInputs {
  release: string;
  namespace: string;
  record?: RolloutRecord;
  helmStatus?: HelmReleaseStatus;
  lock?: LockHolder;
  objects: ReleaseObjects;
  live: LiveState;
  /** The newest helm revision at rest, when read (status of one release reads it; --all does not). */
  stableRevision?: StableRevision;
  /** An adoption into overlay mode or a detach from it was left halfway (read with the revisions). */
  halfway?: boolean;
}

/** readStatus gathers the status of the configured release. */
export async function readStatus(ctx: StatusPorts): Promise<ReleaseStatus> {
  const { release, namespace } = ctx.spec;
  const [stored, helmStatus, lock] = await Promise.all([
    ctx.records.read(namespace, release),
    ctx.helm.status(),
    ctx.lock.inspect(namespace, release),
  ]);
  if (!helmStatus && !stored) throw new BadRequestError(`release ${release} not found in namespace ${namespace}`, ['install it with: helm-canary deploy --tag TAG']);
  const objects = await ctx.objects();
  // helm's revisions tell the stable tag only when no active record does (a lost record).
  const needsHistory = helmStatus !== undefined && !isActive(stored?.record);
  const [live, revisions, halfway] = await Promise.all([
    ctx.reader.readLive(namespace, objects),
    needsHistory ? ctx.helm.revisions() : Promise.resolve([]),
    needsHistory ? leftHalfway(ctx) : Promise.resolve(false),
  ]);
  const stableRevision = lastStableRevision(revisions, ctx.spec.valuePaths);
  return buildStatus({ release, namespace, record: stored?.record, helmStatus, lock, objects, live, stableRevision, halfway });
}

/** valuesAt are the values the cluster should have at a position, when it is one the plan knows. */
function valuesAt(stages: Stage[], found: Position): StageValues | undefined {
  if (found.kind === 'stage') return stages[found.stage - 1]!.values;
  if (found.kind === 'promoting') return stages[found.stage - 1]!.applies[found.apply - 1]?.values;
  if (found.kind === 'rolling-back') return planRollbackFrom(stages, found.from)[found.apply - 1]?.values;
  return undefined;
}

function describePosition(found: Position, problems: string[]): string {
  const where =
    found.kind === 'stage' ? `at stage ${found.stage}` :
    found.kind === 'promoting' ? `between stages ${found.stage - 1} and ${found.stage} (apply ${found.apply} of ${found.of} done)` :
    found.kind === 'rolling-back' ? `rolling back from stage ${found.from} (apply ${found.apply} of ${found.of} done)` :
    'drifted: the cluster matches no stage of the plan';
  return found.kind !== 'unknown' && problems.length ? `${where}, not ready: ${problems.join('; ')}` : where;
}

/** buildStatus computes a release's status from what was read; no I/O. */
export function buildStatus(inputs: StatusInputs): ReleaseStatus {
  const { release, namespace, record, helmStatus, lock, objects, live, stableRevision, halfway } = inputs;
  const observed = liveToValues(live, objects, record?.replicas);
  let stage: ReleaseStatus['stage'] = null;
  let position = 'no rollout recorded';
  let nextMoves: string[] = [];
  let problems: string[] = [];
  let phase: StatusPhase = record?.phase ?? 'none';
  let stableTag = record?.stableTag ?? null;
  if (record) {
    const stages = planStages(record, planOf(record));
    const names = stages.map((s) => s.name);
    const found = observed ? identifyPosition(stages, observed, record.target ?? record.stage) : ({ kind: 'unknown' } as const);
    const expected = valuesAt(stages, found);
    // Readiness is judged on the current ReplicaSet's pods, against the values of the position.
    problems = expected ? verifyLive(live, expected, objects) : [];
    const at = found.kind === 'stage' && problems.length === 0 ? found.stage : record.stage;
    stage = { number: at, name: names[at - 1]!, of: stages.length };
    position = describePosition(found, problems);
    if (record.phase === 'failed' && record.target !== undefined) {
      position = `stage ${record.target} (${names[record.target - 1]}) failed; ${position}`;
    }
    if ((record.phase === 'promoting' || record.phase === 'rolling-back') && !lock) {
      phase = 'interrupted';
      const doing = record.phase === 'promoting' ? `promoting to stage ${record.target}` : 'rolling back';
      position = `interrupted while ${doing} (no process holds the release); ${position}`;
    }
    if (record.phase === 'rolled-back') nextMoves = ['start a new rollout'];
    else if (phase === 'interrupted' && record.phase === 'rolling-back') nextMoves = ['rollback (finishes the interrupted one)'];
    else {
      // At stage 1 a failed or interrupted stage 2 may have left canary pods: rollback removes them.
      const situation = { troubled: record.phase === 'failed' || phase === 'interrupted' || problems.length > 0, leftovers: found.kind !== 'stage' };
      nextMoves = offeredMoves(record.phase === 'completed' ? stages.length : at, stages.length, situation).map((m) => describeMove(m, names));
    }
  }
  if (!record || !isActive(record)) {
    // The cluster is the truth: a rollout whose record was deleted still shows in it.
    const evidence = observed ? rolloutEvidence(observed, stableRevision) : undefined;
    if (halfway && observed) {
      position = halfwayPosition(release);
      nextMoves = halfwayMoves(observed.production.tag);
    } else if (evidence && record?.phase !== 'completed') {
      phase = 'unrecorded';
      position = `a rollout is in progress but has no record: ${evidence}`;
      stableTag = stableRevision?.tag ?? stableTag;
      nextMoves = ['rollback (rebuilds the record from the cluster and helm history)'];
    } else if (!record) nextMoves = ['start a new rollout'];
  }
  const weights = live.traffic?.weights ?? {};
  return {
    release,
    namespace,
    stage,
    position,
    stableTag,
    newTag: record?.newTag ?? null,
    phase,
    problems,
    production: deploymentStatus(objects.production, live.production, weights[objects.subsets.production]),
    canary: deploymentStatus(objects.canary, live.canary, weights[objects.subsets.canary]),
    traffic: live.traffic ? { virtualService: live.traffic.virtualService, weights: live.traffic.weights } : null,
    record: record
      ? { plan: record.plan.name, startedAt: record.startedAt, startedBy: record.startedBy, lastTransitionAt: record.lastTransitionAt, target: record.target, lastError: record.lastError }
      : null,
    helm: helmStatus ?? null,
    lock: lock ?? null,
    nextMoves,
  };
}
