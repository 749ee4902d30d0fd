// The checks every mutating command makes before touching the release: it holds the release's
// lease, and helm is not stuck in a pending operation from an interrupted run.
import { ROLES, leftUnfinished, readChartValues, sameValues } from '../engine/index.js';
import { BlockedError } from './rollout-errors.js';
import { readCluster } from './cluster-view.js';
import type { HelmPorts, LeasePorts, RunnerContext } from './context.js';
import type { HelmReleaseStatus, Lock, RolloutRecord } from './ports.js';

/**
 * takeOver is the record change a command makes when it takes over from a run that did not
 * finish (the engine's leftUnfinished): that run may have moved traffic a moment ago without
 * recording it, so every Deployment counts as recently routed and the drain restarts now.
 */
export function takeOver(ctx: Pick<RunnerContext, 'clock'>, record: RolloutRecord): Partial<RolloutRecord> {
  if (!leftUnfinished(record.phase)) return {};
  return { lastWeightChangeAt: ctx.clock.now().toISOString(), recentlyRouted: [...ROLES] };
}

/** PENDING_STATUSES are helm states an interrupted helm leaves behind (helm#10549). */
export const PENDING_STATUSES = ['pending-install', 'pending-upgrade', 'pending-rollback'];

// The lease each running command holds, so every apply can check it still does.
const heldLocks = new WeakMap<object, Lock>();

/**
 * ensureLockHeld stops a command before its next change when its lease was lost (it expired
 * while the process was stalled and another run took it over, or it was deleted): from then on
 * another run may be moving the release.
 */
export function ensureLockHeld(ctx: Pick<RunnerContext, 'spec'>): void {
  const lost = heldLocks.get(ctx)?.lost;
  if (lost) {
    throw new BlockedError(`the lease on ${ctx.spec.release} was lost (${lost}): stopped before the next change, another run may be moving the release`, [
      'see who holds it and where the release is with: helm-canary status',
    ]);
  }
}

/** withLock runs `work` holding the release's lease, and always gives the lease back. */
export async function withLock<T>(ctx: LeasePorts, work: (lock: Lock | undefined) => Promise<T>): Promise<T> {
  const lock = await ctx.lock.acquire(ctx.spec.namespace, ctx.spec.release, ctx.holder, ctx.lockTtlSeconds);
  heldLocks.set(ctx, lock);
  // A signal gives the lease back too: the CLI wraps the lock port for that (src/cli/signals.ts).
  try {
    return await work(lock);
  } finally {
    heldLocks.delete(ctx);
    await lock.release().catch(() => undefined);
  }
}

/**
 * ensureNotPending refuses to go on while helm's latest revision is pending-*, or clears it with
 * `helm rollback` when `recover` is set. Returns helm's status of the release as it found it
 * (undefined: the release is not installed), so callers need not ask helm again.
 */
export async function ensureNotPending(ctx: HelmPorts, recover: boolean): Promise<HelmReleaseStatus | undefined> {
  const status = await ctx.helm.status();
  if (!status || !PENDING_STATUSES.includes(status.status)) return status;
  const revision = await ctx.helm.lastDeployedRevision();
  const { release, namespace } = ctx.spec;
  const fix = revision !== undefined ? `helm rollback ${release} ${revision} --namespace ${namespace}` : `helm uninstall ${release} --namespace ${namespace}`;
  if (!recover) {
    throw new BlockedError(`helm release ${release} is stuck in ${status.status} (revision ${status.revision}): an earlier helm run was interrupted`, [
      `clear it with: ${fix}`,
      'or run this command again with --recover to do that first',
    ]);
  }
  const target = await recoveryRevision(ctx, status.revision, revision);
  if (target === undefined) throw new BlockedError(`helm release ${release} is stuck in ${status.status} and has no deployed revision to return to`, [`clear it with: ${fix}`]);
  const task = ctx.reporter.task(`recovering: helm rollback ${release} to revision ${target}${target === status.revision ? ' (the pending one: the cluster already runs it, so no pod restarts)' : ''}`);
  await ctx.helm.rollbackTo(target);
  task.done();
  return status;
}

/**
 * recoveryRevision picks the revision a pending release is rolled back to. When the killed helm
 * had already applied the pending revision, the cluster runs its values: rolling back to that
 * revision itself clears the pending state and changes no object, where going back to the last
 * deployed one would restart pods that already run the desired spec.
 */
async function recoveryRevision(ctx: HelmPorts, pending: number, lastDeployed: number | undefined): Promise<number | undefined> {
  const revision = (await ctx.helm.revisions()).find((r) => r.revision === pending);
  const read = revision ? readChartValues(revision.values, ctx.spec.valuePaths) : undefined;
  if (!read || !('values' in read)) return lastDeployed;
  const observed = (await readCluster(ctx).catch(() => undefined))?.values;
  return observed && sameValues(observed, read.values) ? pending : lastDeployed;
}
