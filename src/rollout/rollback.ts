// rollback: from any stage, or any state an interrupted or failed command left, back to the
// stable values, in the engine's safe order; done only when the cluster is verified at stable.
// It is the command of the bad day, so it asks for nothing it can find out itself: a release
// left pending by a killed helm is cleared, fields changed by hand are taken back (and named),
// and a lost record is rebuilt from the cluster and the values helm keeps with each revision.
import { ROLES, ROLLBACK_TITLE, decideRollback, plannedApplies, stageShownBy, type StageValues } from '../engine/index.js';
import { BlockedError, StageFailedError } from './rollout-errors.js';
import { refuseHalfwayAdoption } from './adopt.js';
import { readCluster } from './cluster-view.js';
import { runApplies } from './execute-applies.js';
import { readinessTimeoutMs, waitForState } from './wait-for-pods.js';
import { specFor, stagesOf, type RunnerContext } from './context.js';
import { ensureNotPending, takeOver, withLock } from './guard.js';
import { isActive, newRecord, saveRecord } from './record.js';
import { findUnrecordedRollout, type StableRevision } from './unrecorded.js';
import type { StoredRecord } from './ports.js';

/** RollbackOptions are rollback's flags. */
export interface RollbackOptions {
  /** Kept for symmetry with promote: rollback always clears a pending release. */
  recover?: boolean;
}

/** rollback runs `rollback` holding the release's lease. */
export function rollback(ctx: RunnerContext, _options: RollbackOptions): Promise<StoredRecord | undefined> {
  return withLock(ctx, async () => {
    const { release, namespace } = ctx.spec;
    const stored = await ctx.records.read(namespace, release);
    const installed = (await ensureNotPending(ctx, true)) !== undefined;
    // Rolling a completed rollout back returns the release to the version before it.
    if (stored && (isActive(stored.record) || stored.record.phase === 'completed')) return rollbackLocked(ctx, stored);
    // No active record: the cluster may still show a rollout (the record was deleted).
    const observed = installed ? (await readCluster(ctx)).values : undefined;
    // Or an adoption or a detach killed between its applies, which reads as production at 0 %: no rollout, nothing to undo.
    if (installed && observed) await refuseHalfwayAdoption(ctx, observed.production.tag, 'there is no rollout to roll back');
    const found = await findUnrecordedRollout(ctx, observed);
    if (!found) {
      if (!stored) ctx.reporter.info(`no rollout of ${release} was ever started in namespace ${namespace}: nothing to roll back`);
      else ctx.reporter.info(`${release} was already rolled back to ${stored.record.stableTag}`);
      return stored;
    }
    if (!found.stable) {
      throw new BlockedError(`the cluster shows a rollout of ${release} in progress (${found.evidence}), but no rollout record and no helm revision at rest to return to`, [
        `return it to a revision you trust with: helm rollback ${release} REVISION --namespace ${namespace} (helm history ${release} lists them)`,
      ]);
    }
    const { stable } = found;
    const newTag = rebuiltNewTag(found.observed, stable);
    ctx.reporter.warn(`no rollout record, but the cluster shows a rollout in progress (${found.evidence}): rolling back to ${stable.tag}, the stable tag helm revision ${stable.revision} names`);
    const record = {
      ...newRecord(ctx, { release, namespace, repository: stable.repository, replicas: stable.replicas }, stable.tag, newTag, ctx.plan),
      objects: await ctx.objects(),
    };
    // Written once, already rolling back: a record that claimed a stage would be false the moment
    // it was written. Nothing is known of when traffic last moved, so every drain is a full one.
    const stage = stageShownBy(stagesOf(ctx, record), found.observed);
    const rebuilt = await saveRecord(ctx, { record, version: stored?.version }, { stage, phase: 'rolling-back', lastWeightChangeAt: ctx.clock.now().toISOString() }, {
      action: 'recover', from: stage, to: stage, result: 'ok', message: `record rebuilt from the cluster and helm revision ${stable.revision}`,
    });
    return rollbackLocked(ctx, rebuilt);
  });
}

// UNKNOWN_NEW_TAG names the new tag of a rebuilt record when nothing tells it: the cluster runs
// the stable tag on both Deployments (a rollback's detour) and helm's revisions do not say.
const UNKNOWN_NEW_TAG = '(unknown)';

/** rebuiltNewTag is the new tag of a rollout the cluster shows: a tag it runs besides the stable one, else the one helm's revision names. */
function rebuiltNewTag(observed: StageValues, stable: StableRevision): string {
  const running = [observed.canary.tag, observed.production.tag].find((t) => t !== stable.tag);
  const named = stable.newTag !== stable.tag ? stable.newTag : undefined;
  return running ?? named ?? UNKNOWN_NEW_TAG;
}

/** rollbackLocked is rollback once the lease is held (promote's --rollback-on-failure uses it). */
export async function rollbackLocked(ctx: RunnerContext, stored: StoredRecord): Promise<StoredRecord> {
  const stages = stagesOf(ctx, stored.record);
  const stable = stages[0]!.values;
  const from = stored.record.stage;
  const decision = decideRollback(stages, stored.record, await readCluster(ctx));
  if (decision.changedByHand) {
    const changed = decision.changedByHand.map((d) => `${d.field} ${d.actual} (stage ${from} has ${d.expected})`);
    ctx.reporter.warn(`the cluster matches no step of the rollout, so it was changed outside helm-canary: rollback takes these fields back: ${changed.join('; ')}`);
  }
  const holder = { stored: await saveRecord(ctx, stored, { phase: 'rolling-back', ...takeOver(ctx, stored.record) }) };
  const applies = plannedApplies(specFor(ctx, stored.record), ROLLBACK_TITLE, decision.steps, (apply) => ({ rollbackFrom: from, apply }));
  await runApplies(ctx, holder, applies, decision.from, { takeOwnership: true });
  const problems = await waitForState(ctx, stable, ROLES, readinessTimeoutMs(ctx));
  if (problems.length) {
    const image = `${stable.production.repository}:${stable.production.tag}`;
    throw new StageFailedError(`rollback applied, but the stable version ${image} is not ready: the stable image itself may be broken`, problems);
  }
  const current = await saveRecord(ctx, holder.stored, { stage: 1, target: undefined, phase: 'rolled-back', lastError: undefined }, { action: 'rollback', from, to: 1, result: 'ok' });
  ctx.reporter.outcome({ kind: 'rolled-back', release: ctx.spec.release, tag: current.record.stableTag });
  return current;
}
