// Runs a sequence of applies: drain waits, one helm upgrade each, verification against the
// cluster after each, and the record kept current so another process can take over.
import { stringify } from 'yaml';
import { toChartValues, upgradeArgs, type Apply, type DeploymentRole, type StageValues } from '../engine/index.js';
import { CliError, StageFailedError } from '../cli/errors.js';
import type { RunnerContext } from './context.js';
import { liveToValues, type RolloutRecord, type StoredRecord } from './ports.js';
import { verifyLive } from './verify.js';
import { saveRecord } from './record.js';

/** ApplyLabel names the applies of one move, for progress lines and generated file names. */
export interface ApplyLabel {
  /** e.g. "stage 2 (canary 10 %)" or "rollback". */
  title: string;
  /** File name stem, e.g. "stage-2" or "rollback". */
  file: string;
}

/** readObserved reads the release's live values, or undefined when objects are missing. */
export async function readObserved(ctx: RunnerContext): Promise<StageValues | undefined> {
  const objects = await ctx.objects();
  return liveToValues(await ctx.reader.readLive(ctx.spec.namespace, objects), objects);
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

/** verifyApplied re-reads the cluster until it matches `expected` or the verify timeout passes. */
export async function verifyApplied(ctx: RunnerContext, expected: StageValues): Promise<string[]> {
  const objects = await ctx.objects();
  const deadline = ctx.clock.now().getTime() + ctx.verifyTimeoutMs;
  for (;;) {
    const problems = verifyLive(await ctx.reader.readLive(ctx.spec.namespace, objects), expected, objects);
    if (problems.length === 0 || ctx.clock.now().getTime() >= deadline) return problems;
    await ctx.clock.sleep(250);
  }
}

/**
 * applyOnce runs one helm upgrade with `values` and verifies the cluster after it. Throws
 * StageFailedError (helm's own message included) when helm or the verification fails.
 */
export async function applyOnce(ctx: RunnerContext, values: StageValues, fileName: string, title: string): Promise<void> {
  if (ctx.dryRun) {
    ctx.reporter.info(`[dry run] ${title}\n  helm ${upgradeArgs(ctx.spec, fileName).join(' ')}\n  ${fileName}:\n${indent(stringify(toChartValues(values, ctx.spec.valuePaths)))}`);
    return;
  }
  try {
    await ctx.values.withFile(fileName, toChartValues(values, ctx.spec.valuePaths), (file) => ctx.helm.upgrade(upgradeArgs(ctx.spec, file)));
  } catch (err) {
    if (err instanceof CliError) throw err;
    throw new StageFailedError(`${title}: helm upgrade failed`, [(err as Error).message]);
  }
  const problems = await verifyApplied(ctx, values);
  if (problems.length) throw new StageFailedError(`${title}: the cluster does not match what was applied`, problems);
}

/**
 * runApplies applies each step in order and returns the updated stored record. Throws
 * StageFailedError (helm's own message included) when an apply or its verification fails;
 * the record then still describes the last state reached.
 */
export async function runApplies(ctx: RunnerContext, stored: StoredRecord, applies: Apply[], label: ApplyLabel, from: StageValues): Promise<StoredRecord> {
  let current = stored;
  // `from` is what the caller already read of the cluster: the state the first apply starts from.
  let before = from;
  for (const [i, apply] of applies.entries()) {
    const step = applies.length > 1 ? ` step ${i + 1}/${applies.length}` : '';
    if (apply.drainBefore) await drain(ctx, current.record);
    const task = ctx.reporter.task(`${label.title}${step}: ${apply.purpose}`);
    try {
      await applyOnce(ctx, apply.values, `${ctx.spec.release}-${label.file}${String.fromCharCode(97 + i)}.values.yaml`, `${label.title}${step} (${apply.purpose})`);
    } catch (err) {
      task.fail();
      throw err;
    }
    task.done();
    if (weightsChanged(before, apply.values)) {
      const routed = (['production', 'canary'] as const).filter((r) => before[r].weight > 0) satisfies DeploymentRole[];
      current = await saveRecord(ctx, current, { lastWeightChangeAt: ctx.clock.now().toISOString(), recentlyRouted: routed });
    }
    before = apply.values;
  }
  return current;
}
