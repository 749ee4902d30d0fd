// Overlay mode's applies without subsets. Adoption: the first apply over a release that has no
// overlay yet (installed by plain helm, or not installed). It adds the canary Deployment (0 pods) and the DestinationRule and
// widens the Service's selector, while the VirtualService still sends everything to the Service as
// a whole, as before: no proxy may route to a subset before it has the rule that defines it. Only
// after the drain wait does the next apply route by subsets.
import { overlayChartValues, stableValues, upgradeArgs, type StageValues } from '../engine/index.js';
import { OVERLAY_VALUES_KEY } from '../overlay/overlay-input.js';
import type { ApplyPorts, RunnerContext } from './context.js';
import { BlockedError, StageFailedError, isRefusal } from './rollout-errors.js';
import { ensureLockHeld } from './guard.js';
import { readinessTimeoutMs, waitForState } from './wait-for-pods.js';

/**
 * needsAdoption tells whether the release's latest values lack a finished overlay: a release
 * installed without helm-canary's overlay, one not installed yet, or an adoption interrupted
 * before its second apply.
 */
export function needsAdoption(values: unknown): boolean {
  const own = overlayValuesOf(values);
  return !own || own.adopting === true;
}

// overlayValuesOf is helm-canary's own part of a release's values (the helmCanary key), if any.
function overlayValuesOf(values: unknown): Record<string, unknown> | undefined {
  const own = values && typeof values === 'object' ? (values as Record<string, unknown>)[OVERLAY_VALUES_KEY] : undefined;
  return own && typeof own === 'object' ? (own as Record<string, unknown>) : undefined;
}

/**
 * leftHalfway tells whether the release's latest values are an adoption's or a detach's first
 * apply (a run killed before its second): the VirtualService routes to the Service as a whole,
 * which would otherwise read as production at 0 %, a rollout in progress with no record. It reads
 * helm's values, whatever the config says: status runs without the config's mode.
 */
export async function leftHalfway(ctx: { helm: Pick<RunnerContext['helm'], 'values'> }): Promise<boolean> {
  return overlayValuesOf(await ctx.helm.values())?.adopting === true;
}

/** halfwayPosition says what a release left halfway is, for people. */
export function halfwayPosition(release: string): string {
  return `an adoption into overlay mode or a detach from it was left halfway for ${release} (traffic goes to its Service as a whole, no subset)`;
}

/** halfwayMoves are status's next moves for a release left halfway: the two ways to finish it. */
export function halfwayMoves(tag: string): string[] {
  return [`deploy --tag ${tag} (finishes the adoption)`, 'detach (finishes leaving overlay mode)'];
}

/**
 * refuseHalfwayAdoption stops `refused` (start, rollback) over a release left halfway, saying
 * what it is and the two ways to finish it.
 */
export async function refuseHalfwayAdoption(ctx: Pick<RunnerContext, 'helm' | 'spec'>, stableTag: string, refused: string): Promise<void> {
  if (!ctx.spec.overlay || !(await leftHalfway(ctx))) return;
  throw new BlockedError(`${halfwayPosition(ctx.spec.release)}: ${refused}`, [
    `finish the adoption with: helm-canary deploy --tag ${stableTag}`,
    'or finish leaving overlay mode with: helm-canary detach',
  ]);
}

/**
 * adopt runs the adoption apply at `tag` and waits for production's pods, then for the drain time,
 * so the DestinationRule reaches every proxy before anything routes by subset. Returns the stage
 * values now in place (production at `tag`, the canary at 0), except the routing, which the
 * caller's next apply sets.
 */
export function adopt(ctx: ApplyPorts & { drainSeconds: number }, tag: string): Promise<StageValues> {
  // Said up front: what adoption changes, and that it restarts nothing of its own accord.
  ctx.reporter.info(
    `adopting ${ctx.spec.release} into overlay mode in two applies: production's selector and pod template stay as the chart renders them, so its pods roll only if --tag differs from what they run`,
  );
  return applyUnrouted(ctx, tag, {
    title: `adopt ${ctx.spec.release}: canary Deployment at 0 pods and DestinationRule added, traffic still to the Service as a whole`,
    afterwards: 'for the DestinationRule to reach every proxy before routing by subset',
  });
}

/**
 * applyUnrouted applies the overlay at `tag`, stable (the canary at 0 pods), with the
 * VirtualService routing to the Service as a whole, no subset; waits for production's pods, then
 * for the drain time, so every proxy has the new routing before the caller's next apply. Adoption
 * comes from a release without subsets, detach goes to one.
 */
export async function applyUnrouted(ctx: ApplyPorts & { drainSeconds: number }, tag: string, words: { title: string; afterwards: string }): Promise<StageValues> {
  const overlay = ctx.spec.overlay;
  if (!overlay) throw new Error(`${words.title}: the release is not in overlay mode`);
  const values = stableValues({ repository: ctx.spec.repository, stableTag: tag, newTag: tag, replicas: ctx.spec.replicas });
  const { title } = words;
  const task = ctx.reporter.task(title);
  try {
    await ctx.values.withFile(`${ctx.spec.release}-unrouted.values.yaml`, overlayChartValues(values, overlay, true), (path) => {
      ensureLockHeld(ctx);
      return ctx.helm.upgrade(upgradeArgs(ctx.spec, path, { wait: false, description: `helm-canary ${title}` }), { overlayValuesFile: path });
    });
  } catch (err) {
    task.fail();
    if (isRefusal(err)) throw err;
    throw new StageFailedError(`${title}: helm upgrade failed`, [(err as Error).message]);
  }
  // Production's pods change only when `tag` differs from what ran; the routing is not checked:
  // the VirtualService routes to the Service without subsets until the next apply.
  const problems = await waitForState(ctx, values, ['production'], readinessTimeoutMs(ctx), { traffic: false });
  if (problems.length) {
    task.fail();
    throw new StageFailedError(`${title}: production not ready within ${ctx.spec.helm.timeout}`, problems);
  }
  task.done();
  if (ctx.drainSeconds > 0) {
    const wait = ctx.reporter.task(`waiting ${ctx.drainSeconds}s ${words.afterwards}`);
    await ctx.clock.sleep(ctx.drainSeconds * 1000);
    wait.done();
  }
  return values;
}
