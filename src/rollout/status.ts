// status: the release's stage, both deployments, the live weights, the rollout record and the
// next legal moves. Reads only; works from any machine with cluster access.
import { identifyPosition, legalMoves, planStages, type Move } from '../engine/index.js';
import { InputError } from '../cli/errors.js';
import { planOf, type RunnerContext } from './context.js';
import { liveToValues, type DeploymentState, type HelmReleaseStatus, type LiveState, type LockHolder, type ReleaseObjects, type RolloutPhase, type RolloutRecord } from './ports.js';

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
  phase: RolloutPhase | 'none';
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
}

/** readStatus gathers the status of the configured release. */
export async function readStatus(ctx: RunnerContext): Promise<ReleaseStatus> {
  const { release, namespace } = ctx.spec;
  const [stored, helmStatus, lock] = await Promise.all([
    ctx.records.read(namespace, release),
    ctx.helm.status(),
    ctx.lock.inspect(namespace, release),
  ]);
  if (!helmStatus && !stored) throw new InputError(`release ${release} not found in namespace ${namespace}`, ['install it with: helm-canary deploy --tag TAG']);
  const objects = await ctx.objects();
  const live = await ctx.reader.readLive(namespace, objects);
  return buildStatus({ release, namespace, record: stored?.record, helmStatus, lock, objects, live });
}

/** buildStatus computes a release's status from what was read; no I/O. */
export function buildStatus(inputs: StatusInputs): ReleaseStatus {
  const { release, namespace, record, helmStatus, lock, objects, live } = inputs;
  const observed = liveToValues(live, objects);
  let stage: ReleaseStatus['stage'] = null;
  let position = 'no rollout recorded';
  let nextMoves: string[] = [];
  if (record) {
    const stages = planStages(record, planOf(record));
    const names = stages.map((s) => s.name);
    const found = observed ? identifyPosition(stages, observed, record.target ?? record.stage) : ({ kind: 'unknown' } as const);
    const at = found.kind === 'stage' ? found.stage : record.stage;
    stage = { number: at, name: names[at - 1]!, of: stages.length };
    position =
      found.kind === 'stage' ? `at stage ${found.stage}` :
      found.kind === 'promoting' ? `between stages ${found.stage - 1} and ${found.stage} (apply ${found.apply} of ${found.of} done)` :
      found.kind === 'rolling-back' ? `rolling back from stage ${found.from} (apply ${found.apply} of ${found.of} done)` :
      'drifted: the cluster matches no stage of the plan';
    if (record.phase === 'rolled-back') nextMoves = ['start a new rollout'];
    else nextMoves = legalMoves(record.phase === 'completed' ? stages.length : at, stages.length).map((m) => describeMove(m, names));
  }
  const weights = live.traffic?.weights ?? {};
  return {
    release,
    namespace,
    stage,
    position,
    stableTag: record?.stableTag ?? null,
    newTag: record?.newTag ?? null,
    phase: record?.phase ?? 'none',
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
