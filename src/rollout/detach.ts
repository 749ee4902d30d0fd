// detach: leaves overlay mode. The release goes back to its chart alone, at its stable tag, in two
// applies: first the overlay with the VirtualService routing to the Service as a whole (no subset)
// and the drain wait, so no proxy still routes to a subset when the second apply, the chart
// alone, removes the DestinationRule, the VirtualService and the canary Deployment (at 0 pods) and
// gives the Service back its own selector (the same endpoints: the canary has no pods).
import { chartAloneValues, diffValues, stableValues, upgradeArgs } from '../engine/index.js';
import { manifestObjects } from '../kube/release-objects.js';
import { OVERLAY_VALUES_KEY } from '../overlay/overlay-input.js';
import { applyUnrouted } from './adopt.js';
import { readCluster } from './cluster-view.js';
import type { RunnerContext } from './context.js';
import { ensureLockHeld, ensureNotPending, withLock } from './guard.js';
import { isActive } from './record.js';
import { BadRequestError, BlockedError, StageFailedError, isRefusal } from './rollout-errors.js';
import { stableTagOf } from './start.js';
import { refuseUnrecordedRollout } from './unrecorded.js';
import { readinessTimeoutMs } from './wait-for-pods.js';

/** POLL_MS is how often detach's last wait re-reads production. */
const POLL_MS = 250;

/** detach runs `detach` holding the release's lease; returns the tag production runs (none when there was nothing to do). */
export function detach(ctx: RunnerContext): Promise<{ tag?: string }> {
  const overlay = ctx.spec.overlay;
  const { release, namespace } = ctx.spec;
  if (!overlay) {
    throw new BadRequestError(`detach leaves overlay mode, and ${release} is configured in values mode`, ['set mode: overlay in canary.yaml (the settings the release was deployed with)']);
  }
  return withLock(ctx, async () => {
    const stored = await ctx.records.read(namespace, release);
    if (stored && isActive(stored.record)) {
      const r = stored.record;
      throw new BlockedError(`a rollout of ${release} is in progress (${r.stableTag} -> ${r.newTag}, stage ${r.stage}): detach is refused`, [
        'finish it with: helm-canary promote, or undo it with: helm-canary rollback',
      ]);
    }
    await ensureNotPending(ctx, false);
    const values = await ctx.helm.values();
    if (values === undefined) throw new BadRequestError(`release ${release} not found in namespace ${namespace}`);
    const own = (values as Record<string, unknown>)[OVERLAY_VALUES_KEY] as Record<string, unknown> | undefined;
    if (!own) {
      ctx.reporter.info(`${release} already runs its chart alone: nothing to apply`);
      return {};
    }
    const tag = await stableTagOf(ctx);
    const image = `${ctx.spec.repository}:${tag}`;
    const stable = stableValues({ repository: ctx.spec.repository, stableTag: tag, newTag: tag, replicas: ctx.spec.replicas });
    // An adoption or a detach stopped halfway routes without subsets already: nothing to compare.
    const view = await readCluster(ctx);
    if (own.adopting !== true) {
      await refuseUnrecordedRollout(ctx, view.values, 'detach is refused');
      const diffs = view.values ? diffValues(stable, view.values) : [];
      if (!view.values || diffs.length) {
        throw new BlockedError(`release ${release} is not at its stable stage, so it cannot leave overlay mode`, [
          ...(view.values ? diffs.map((d) => `${d.field}: expected ${d.expected}, cluster has ${d.actual}`) : ['its Deployments or VirtualService could not be read']),
          `bring it to stable with: helm-canary deploy --tag ${tag}`,
        ]);
      }
    }
    const objects = await ctx.objects();
    const chartAlone = chartAloneValues(stable, overlay);
    await refuseFewerReplicas(ctx, chartAlone, objects.production, view.live.production?.desired);

    if (own.adopting !== true) {
      await applyUnrouted({ ...ctx, drainSeconds: ctx.plan.drainSeconds }, tag, {
        title: `detach ${release}: traffic to the Service as a whole, no subset`,
        afterwards: 'for every proxy to stop routing by subset before the DestinationRule goes',
      });
    }
    const title = `detach ${release}: the chart alone (canary Deployment, DestinationRule and VirtualService removed, the Service's own selector back)`;
    const task = ctx.reporter.task(title);
    try {
      await ctx.values.withFile(`${release}-detach.values.yaml`, chartAlone, (path) => {
        ensureLockHeld(ctx);
        return ctx.helm.upgrade(upgradeArgs(ctx.spec, path, { wait: false, description: `helm-canary detach ${tag}` }));
      });
    } catch (err) {
      task.fail();
      if (isRefusal(err)) throw err;
      throw new StageFailedError(`${title}: helm upgrade failed`, [(err as Error).message]);
    }
    const problem = await waitForProduction(ctx, objects.production, image);
    if (problem) {
      task.fail();
      throw new StageFailedError(`${title}: production not ready within ${ctx.spec.helm.timeout}`, [problem]);
    }
    task.done();
    ctx.reporter.outcome({ kind: 'detached', release, image });
    return { tag };
  });
}

// A chart alone that asks for fewer production pods than run now would remove serving pods with no
// drain: the team sets the chart's own replica count first. An HPA's count (no replicas rendered)
// is the HPA's to keep.
async function refuseFewerReplicas(ctx: RunnerContext, chartAlone: unknown, production: string, running: number | undefined): Promise<void> {
  if (!ctx.helm.render || running === undefined) return;
  const manifest = await ctx.values.withFile(`${ctx.spec.release}-detach-render.values.yaml`, chartAlone, (path) => ctx.helm.render!(upgradeArgs(ctx.spec, path, { wait: false })));
  const rendered = manifestObjects(manifest).find((o) => o.kind === 'Deployment' && o.metadata?.name === production);
  const replicas = rendered?.spec?.replicas;
  if (typeof replicas === 'number' && replicas < running) {
    throw new BlockedError(`the chart alone would run ${replicas} production pods of ${production}, and ${running} serve now: detaching would remove serving pods without a drain`, [
      `set the chart's own replica count to ${running} in your values files (helm create's chart: replicaCount: ${running}), then run detach again`,
    ]);
  }
}

// Production after the last apply: its pods at `image`, all ready. Its pod template is the one
// it had, so this is quick unless something else changed it.
async function waitForProduction(ctx: RunnerContext, production: string, image: string): Promise<string | undefined> {
  const objects = await ctx.objects();
  const deadline = ctx.clock.now().getTime() + readinessTimeoutMs(ctx);
  for (;;) {
    const live = (await ctx.reader.readLive(ctx.spec.namespace, objects)).production;
    const problem = !live
      ? `production Deployment ${production} not found`
      : live.image !== image
        ? `production Deployment ${production} runs ${live.image}, expected ${image}`
        : live.ready < live.desired || !live.settled
          ? `production Deployment ${production} has ${live.ready}/${live.desired} ready replicas at ${image}`
          : undefined;
    if (!problem || ctx.clock.now().getTime() >= deadline) return problem;
    await ctx.clock.sleep(POLL_MS);
  }
}
