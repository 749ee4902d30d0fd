// deploy: applies the stable stage with a tag, the first install of a release or a plain update
// when no rollout is in progress.
import { stableValues } from '../engine/index.js';
import { BlockedError } from './rollout-errors.js';
import { applyOnce, readCluster } from './apply-values.js';
import type { RunnerContext } from './context.js';
import { ensureNotPending, withLock } from './guard.js';
import { isActive } from './record.js';
import { refuseUnrecordedRollout } from './unrecorded.js';

/** DeployOptions are deploy's flags. */
export interface DeployOptions {
  tag: string;
  recover?: boolean;
}

/** deploy runs `deploy` holding the release's lease. */
export function deploy(ctx: RunnerContext, options: DeployOptions): Promise<void> {
  return withLock(ctx, async () => {
    const { release, namespace } = ctx.spec;
    const stored = await ctx.records.read(namespace, release);
    if (stored && isActive(stored.record)) {
      const r = stored.record;
      throw new BlockedError(`a rollout of ${release} is in progress (${r.stableTag} -> ${r.newTag}, stage ${r.stage}): deploy is refused`, [
        'finish it with: helm-canary promote, or undo it with: helm-canary rollback',
      ]);
    }
    const installed = (await ensureNotPending(ctx, options.recover ?? false)) !== undefined;
    // The cluster is the truth: a rollout whose record was lost still has canary pods or traffic.
    const observed = installed ? (await readCluster(ctx)).observed : undefined;
    await refuseUnrecordedRollout(ctx, observed, 'deploy is refused');
    const values = stableValues({ repository: ctx.spec.repository, stableTag: options.tag, newTag: options.tag, replicas: ctx.spec.replicas });
    const task = ctx.reporter.task(`deploy ${release} ${options.tag}: helm upgrade --install, then waiting for its pods`);
    try {
      await applyOnce(ctx, observed, values, `${release}-deploy.values.yaml`, `deploy ${options.tag}`, { description: `helm-canary deploy ${options.tag}` });
    } catch (err) {
      task.fail();
      throw err;
    }
    task.done();
    ctx.reporter.info(ctx.dryRun
      ? `[dry run] ${release} would run ${ctx.spec.repository}:${options.tag} with all traffic on production`
      : `${release} runs ${ctx.spec.repository}:${options.tag} with all traffic on production`);
  });
}
