// Runs a sequence of applies. Each apply is, in order:
//   1. the drain wait, when it removes pods that had traffic moments ago;
//   2. the traffic gate: every Deployment the apply gives more traffic must have its current
//      pods ready at their image, now (a failed or interrupted earlier run may have left pods
//      that never became ready: their values being in the cluster proves nothing);
//   3. one `helm upgrade` without --wait (helm's wait covers every workload of the release, a
//      crash-looping one the step does not touch included);
//   4. a wait on the Deployments the apply changed, and only those, then verification of every
//      value it set.
// The record is kept current so another process can take over.
import { stringify } from 'yaml';
import { ROLES, samePods, toChartValues, upgradeArgs, type Apply, type DeploymentRole, type StageValues } from '../engine/index.js';
import { HelmBlockedError, HelmUnreachableError } from '../helm/helm-refusals.js';
import { BlockedError, StageFailedError } from './rollout-errors.js';
import { shellQuote } from '../text/shell-quote.js';
import type { RunnerContext } from './context.js';
import { durationMs } from './duration.js';
import { liveToValues, type LiveState, type RolloutRecord, type StoredRecord, type UpgradeOptions } from './ports.js';
import { verifyLive } from './verify.js';
import { ensureLockHeld } from './guard.js';
import { rolloutDescription } from './unrecorded.js';
import { saveRecord } from './record.js';

/** ApplyLabel names the applies of one move, for progress lines and generated file names. */
export interface ApplyLabel {
  /** e.g. "stage 2 (canary 10 %)" or "rollback". */
  title: string;
  /** File name stem, e.g. "stage-2" or "rollback". */
  file: string;
}

/** ClusterView is one read of the release: the live objects and the stage values they amount to. */
export interface ClusterView {
  live: LiveState;
  /** undefined when a Deployment or the VirtualService is missing. */
  observed?: StageValues;
}

/** readCluster reads the release's live objects once. */
export async function readCluster(ctx: RunnerContext): Promise<ClusterView> {
  const objects = await ctx.objects();
  const live = await ctx.reader.readLive(ctx.spec.namespace, objects);
  return { live, observed: liveToValues(live, objects) };
}

/** readObserved reads the release's live values, or undefined when objects are missing. */
export async function readObserved(ctx: RunnerContext): Promise<StageValues | undefined> {
  return (await readCluster(ctx)).observed;
}

/** readinessTimeoutMs is how long a wait on pods may take: helm's --timeout of the release. */
export function readinessTimeoutMs(ctx: RunnerContext): number {
  return durationMs(ctx.spec.helm.timeout);
}

function weightsChanged(a: StageValues, b: StageValues): boolean {
  return a.production.weight !== b.production.weight || a.canary.weight !== b.canary.weight;
}

function indent(text: string): string {
  return text.trimEnd().split('\n').map((l) => `    ${l}`).join('\n');
}

async function drain(ctx: RunnerContext, record: RolloutRecord): Promise<void> {
  const seconds = ctx.dryRun ? 0 : record.plan.drainSeconds;
  if (seconds <= 0 || !record.lastWeightChangeAt) return;
  const elapsed = ctx.clock.now().getTime() - Date.parse(record.lastWeightChangeAt);
  const remaining = seconds * 1000 - elapsed;
  if (remaining <= 0) return;
  const task = ctx.reporter.task(`draining: waiting ${Math.ceil(remaining / 1000)}s for Envoy to stop routing to pods about to be removed`);
  await ctx.clock.sleep(remaining);
  task.done();
}

/**
 * waitForState re-reads the cluster until it matches `expected` (pods ready on the `readiness`
 * Deployments only) or `timeoutMs` passes; returns what still differs, empty when it matches.
 */
export async function waitForState(ctx: RunnerContext, expected: StageValues, readiness: readonly DeploymentRole[], timeoutMs: number): Promise<string[]> {
  const objects = await ctx.objects();
  const started = ctx.clock.now().getTime();
  const deadline = started + timeoutMs;
  let lastReport = started;
  for (;;) {
    const problems = verifyLive(await ctx.reader.readLive(ctx.spec.namespace, objects), expected, objects, { readiness });
    const now = ctx.clock.now().getTime();
    if (problems.length === 0 || now >= deadline) return problems;
    // A long wait says what it waits for, so a CI log shows a stuck pod long before the timeout.
    if (now - lastReport >= PROGRESS_EVERY_MS) {
      ctx.reporter.info(`  waiting ${Math.round((now - started) / 1000)}s of ${Math.round(timeoutMs / 1000)}s: ${problems.join('; ')}`);
      lastReport = now;
    }
    await ctx.clock.sleep(250);
  }
}

/** PROGRESS_EVERY_MS is how often a wait on pods reports what it still waits for. */
const PROGRESS_EVERY_MS = 10_000;

/** verifyApplied re-reads the cluster until all of `expected` is in place, pods ready, or the verify timeout passes. */
export function verifyApplied(ctx: RunnerContext, expected: StageValues): Promise<string[]> {
  return waitForState(ctx, expected, ROLES, ctx.verifyTimeoutMs);
}

/** StepOptions tune one apply. */
export interface StepOptions extends UpgradeOptions {
  /** description is what helm keeps with the revision. */
  description?: string;
  /** beforeHelm runs once the traffic gate has passed, right before helm. */
  beforeHelm?: () => Promise<void>;
}

/**
 * RecordHolder is the rollout record as last written. The applies keep it current as they write,
 * so a caller that catches their failure records it over the latest version, not a stale one.
 */
export interface RecordHolder {
  stored: StoredRecord;
}

/**
 * applyOnce runs one helm upgrade with `values`, coming from `before`, then waits for the
 * Deployments it changed. Throws StageFailedError (helm's own message included) when the gate,
 * helm or the wait fails.
 */
export async function applyOnce(ctx: RunnerContext, before: StageValues | undefined, values: StageValues, fileName: string, title: string, options: StepOptions = {}): Promise<void> {
  const argv = (file: string) => upgradeArgs(ctx.spec, file, { wait: false, description: options.description });
  if (ctx.dryRun) {
    ctx.reporter.planned?.({ title, helm: argv(fileName), valuesFile: fileName, values: toChartValues(values, ctx.spec.valuePaths) });
    ctx.reporter.info(`[dry run] would apply ${title}\n  helm ${argv(fileName).map(shellQuote).join(' ')}\n  ${fileName}:\n${indent(stringify(toChartValues(values, ctx.spec.valuePaths)))}`);
    return;
  }
  const timeoutMs = readinessTimeoutMs(ctx);
  const raised = before ? ROLES.filter((r) => values[r].weight > before[r].weight) : [];
  if (before && raised.length > 0) {
    const problems = await waitForState(ctx, before, raised, timeoutMs);
    if (problems.length) throw new StageFailedError(`${title}: no traffic was moved, because the pods that would receive it are not ready`, problems);
  }
  await options.beforeHelm?.();
  try {
    await ctx.values.withFile(fileName, toChartValues(values, ctx.spec.valuePaths), (file) => {
      // Checked last thing before helm runs: the gate's wait above may have been long.
      ensureLockHeld(ctx);
      return ctx.helm.upgrade(argv(file), { takeOwnership: options.takeOwnership });
    });
  } catch (err) {
    // A refusal (the lease lost, helm stuck or unable to reach the cluster) is not a failed stage.
    if (err instanceof BlockedError || err instanceof HelmBlockedError || err instanceof HelmUnreachableError) throw err;
    throw new StageFailedError(`${title}: helm upgrade failed`, [(err as Error).message]);
  }
  // A first install (no `before`) waits for everything it created.
  const changed = before ? ROLES.filter((r) => !samePods(before[r], values[r]) || raised.includes(r)) : ROLES;
  const problems = await waitForState(ctx, values, changed, changed.length > 0 ? Math.max(timeoutMs, ctx.verifyTimeoutMs) : ctx.verifyTimeoutMs);
  if (problems.length) {
    const what = problems.some((p) => / ready replicas | still rolling out/.test(p)) ? `pods not ready within ${ctx.spec.helm.timeout}` : 'the cluster does not match what was applied';
    throw new StageFailedError(`${title}: ${what}`, problems);
  }
}

/**
 * runApplies applies each step in order, keeping `holder` current. Throws StageFailedError
 * (helm's own message included) when an apply or its verification fails; the record then still
 * describes the last state reached.
 */
export async function runApplies(ctx: RunnerContext, holder: RecordHolder, applies: Apply[], label: ApplyLabel, from: StageValues, options: UpgradeOptions = {}): Promise<void> {
  // `from` is what the caller already read of the cluster: the state the first apply starts from.
  let before = from;
  for (const [i, apply] of applies.entries()) {
    const step = applies.length > 1 ? ` step ${i + 1}/${applies.length}` : '';
    if (apply.drainBefore) await drain(ctx, holder.stored.record);
    const moves = weightsChanged(before, apply.values);
    const previous = before;
    const task = ctx.reporter.task(`${label.title}${step}: ${apply.purpose}`);
    try {
      await applyOnce(ctx, before, apply.values, `${ctx.spec.release}-${label.file}${String.fromCharCode(97 + i)}.values.yaml`, `${label.title}${step} (${apply.purpose})`, {
        ...options,
        description: rolloutDescription(holder.stored.record, `${label.title}${step}: ${apply.purpose}`),
        // Recorded before helm runs: a run killed (or a helm failing) after the weights reached
        // the cluster must not leave a record that says traffic never moved, or a later removal
        // of these pods would skip its drain.
        beforeHelm: moves
          ? async () => {
              const routed = ROLES.filter((r) => previous[r].weight > 0 || apply.values[r].weight > 0);
              holder.stored = await saveRecord(ctx, holder.stored, { lastWeightChangeAt: ctx.clock.now().toISOString(), recentlyRouted: routed });
            }
          : undefined,
      });
    } catch (err) {
      task.fail();
      throw err;
    }
    task.done();
    if (moves) {
      const routed = ROLES.filter((r) => previous[r].weight > 0);
      holder.stored = await saveRecord(ctx, holder.stored, { lastWeightChangeAt: ctx.clock.now().toISOString(), recentlyRouted: routed });
    }
    before = apply.values;
  }
}
