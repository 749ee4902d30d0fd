// deploy: applies the stable stage with a tag, the first install of a release or a plain update
// when no rollout is in progress.
import { deployApplies } from '../engine/index.js';
import { BlockedError } from './rollout-errors.js';
import { readCluster } from './cluster-view.js';
import { runApplies } from './execute-applies.js';
import { adopt, needsAdoption } from './adopt.js';
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
    if (ctx.spec.overlay && needsAdoption(installed ? await ctx.helm.values() : undefined)) {
      // Overlay mode over a release without the overlay: nothing of ours runs yet, so there is
      // no rollout to refuse; adopt it, then route by subsets.
      const adopted = await adopt({ ...ctx, drainSeconds: ctx.plan.drainSeconds }, options.tag);
      await runApplies(ctx, undefined, deployApplies(ctx.spec, options.tag, adopted), adopted);
    } else {
      // The cluster is the truth: a rollout whose record was lost still has canary pods or traffic.
      const observed = installed ? (await readCluster(ctx)).values : undefined;
      await refuseUnrecordedRollout(ctx, observed, 'deploy is refused');
      await runApplies(ctx, undefined, deployApplies(ctx.spec, options.tag, observed), observed);
    }
    ctx.reporter.outcome({ kind: 'deployed', release, image: `${ctx.spec.repository}:${options.tag}` });
  });
}
