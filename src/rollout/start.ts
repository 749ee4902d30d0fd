// start: records a rollout (stable tag read from the deployed release) and applies stage 2.
import { diffValues, readChartValues, stableValues, stageCount } from '../engine/index.js';
import { BadRequestError, BlockedError } from './rollout-errors.js';
import { readCluster } from './cluster-view.js';
import { waitForState } from './wait-for-pods.js';
import { stagesOf, type RunnerContext } from './context.js';
import { ensureNotPending, withLock } from './guard.js';
import { promoteLocked, type PromoteResult } from './promote.js';
import { isActive, newRecord, saveRecord } from './record.js';
import { refuseUnrecordedRollout } from './unrecorded.js';
import { refuseHalfwayAdoption } from './adopt.js';

/** StartOptions are start's flags. */
export interface StartOptions {
  newTag: string;
  recover?: boolean;
  force?: boolean;
  rollbackOnFailure?: boolean;
  /** Go on through every stage up to this one (no gate between them); default 2. */
  to?: number;
}

/** stableTagOf reads the production tag of the deployed release; throws when there is none. */
export async function stableTagOf(ctx: RunnerContext): Promise<string> {
  const values = await ctx.helm.values();
  const { release, namespace } = ctx.spec;
  if (values === undefined) {
    throw new BadRequestError(`release ${release} not found in namespace ${namespace}`, [`install it first with: helm-canary deploy --tag TAG`]);
  }
  const read = readChartValues(values, ctx.spec.valuePaths);
  if ('missing' in read) {
    throw new BadRequestError(`release ${release} has no stage values at the configured valuePaths`, read.missing.map((p) => `missing ${p}`));
  }
  return read.values.production.tag;
}

/** start runs `start` holding the release's lease. */
export function start(ctx: RunnerContext, options: StartOptions): Promise<PromoteResult> {
  const total = stageCount(ctx.plan);
  if (options.to !== undefined && (options.to < 2 || options.to > total)) {
    throw new BadRequestError(`--to: stage ${options.to} does not exist for start (the plan has stages 2..${total} to go to)`);
  }
  return withLock(ctx, async () => {
    const { release, namespace } = ctx.spec;
    const previous = await ctx.records.read(namespace, release);
    if (previous && isActive(previous.record) && previous.record.newTag === options.newTag && previous.record.phase === 'in-progress') {
      // The same start again (a re-run pipeline job): carry on to the target, or do nothing if there.
      const target = options.to ?? 2;
      if (previous.record.stage >= target) {
        ctx.reporter.info(`the rollout of ${release} to ${options.newTag} is already at stage ${previous.record.stage}: nothing to apply`);
        return { stored: previous, stages: stagesOf(ctx, previous.record), applied: [] };
      }
      return promoteLocked(ctx, previous, { to: target, rollbackOnFailure: options.rollbackOnFailure });
    }
    if (previous && isActive(previous.record)) {
      const r = previous.record;
      throw new BlockedError(`a rollout of ${release} is already in progress: ${r.stableTag} -> ${r.newTag}, stage ${r.stage} (${r.phase})`, [
        'continue it with: helm-canary promote, or undo it with: helm-canary rollback',
      ]);
    }
    const stableTag = await stableTagOf(ctx);
    if (stableTag === options.newTag) throw new BadRequestError(`the new tag ${options.newTag} is already the stable tag of ${release}`);
    await ensureNotPending(ctx, options.recover ?? false);
    const stable = stableValues({ repository: ctx.spec.repository, stableTag, newTag: options.newTag, replicas: ctx.spec.replicas });
    const observed = (await readCluster(ctx)).values;
    await refuseHalfwayAdoption(ctx, stableTag, 'a rollout cannot start');
    // A rollout the cluster shows, record or not, is rolled back first: --force does not cover it.
    await refuseUnrecordedRollout(ctx, observed, 'a new one cannot start');
    const diffs = observed ? diffValues(stable, observed) : [];
    if (!observed || (diffs.length && !options.force)) {
      throw new BlockedError(`release ${release} is not at its stable stage, so a rollout cannot start`, [
        ...(observed ? diffs.map((d) => `${d.field}: expected ${d.expected}, cluster has ${d.actual}`) : ['its Deployments or VirtualService could not be read']),
        'bring it to stable with: helm-canary deploy --tag ' + stableTag,
      ]);
    }
    // A rollout starts from a healthy stable version, --force or not: its record would claim a
    // stage 1 that is not there, and rollback would have nothing ready to return to.
    // Readiness of production as it runs (with --force its values may differ from stable's).
    const problems = await waitForState(ctx, observed, ['production'], ctx.verifyTimeoutMs);
    if (problems.length) {
      throw new BlockedError(`release ${release} is not ready at its stable version ${stableTag}, so a rollout cannot start from it`, [
        ...problems,
        'ship a fix as a plain update with: helm-canary deploy --tag TAG, then start the rollout',
      ]);
    }
    const record = { ...newRecord(ctx, ctx.spec, stableTag, options.newTag, ctx.plan), objects: await ctx.objects() };
    const stored = await saveRecord(ctx, { record, version: previous?.version }, {}, { action: 'start', from: 1, to: 1, result: 'ok', message: `${stableTag} -> ${options.newTag}` });
    ctx.reporter.outcome({ kind: 'rollout-recorded', release, stableTag, newTag: options.newTag, plan: ctx.plan.name });
    return promoteLocked(ctx, stored, { to: options.to ?? 2, rollbackOnFailure: options.rollbackOnFailure });
  });
}
