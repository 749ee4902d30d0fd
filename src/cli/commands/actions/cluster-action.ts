// What every cluster command's action shares: build the context (validating input before
// anything else), run one rollout operation, and print the release's status afterwards (or, in a
// dry run, what would have been applied).
import { buildClusterContext, type ClusterFlags, type ContextUse } from '../../cluster-context.js';
import { InputError } from '../../errors.js';
import { toCliError } from '../../to-cli-error.js';
import { renderStatusText } from '../../render/status-text.js';
import { readStatus } from '../../../rollout/status.js';
import type { RunnerContext } from '../../../rollout/context.js';
import type { DryRun } from '../../../dry-run/dry-run-adapters.js';

/** OutputFlags choose text or JSON on stdout. */
export interface OutputFlags {
  output?: 'text' | 'json';
}

// A dry run's adapters, with the applies they recorded, for `--dry-run -o json`.
const dryRuns = new WeakMap<RunnerContext, DryRun>();

/** printStatus prints the release's status after a command, or what a dry run would have applied. */
export async function printStatus(ctx: RunnerContext, flags: OutputFlags): Promise<void> {
  const dryRun = dryRuns.get(ctx);
  if (dryRun) {
    // A dry run changed nothing, so the status would only repeat the cluster: it says what would run.
    const { wouldApply } = dryRun;
    if (flags.output === 'json') process.stdout.write(`${JSON.stringify({ dryRun: true, release: ctx.spec.release, namespace: ctx.spec.namespace, wouldApply }, null, 2)}\n`);
    else if (wouldApply.length === 0) process.stdout.write('[dry run] nothing would be applied\n');
    return;
  }
  const status = await readStatus(ctx);
  (await import('../../../ci/publish.js')).publishOutputs(status, { json: flags.output === 'json' });
  process.stdout.write(flags.output === 'json' ? `${JSON.stringify(status, null, 2)}\n` : `${renderStatusText(status)}\n`);
}

/** withContext runs `work` with the command's context; errors of the layers below become CLI errors. */
export async function withContext(flags: ClusterFlags, work: (ctx: RunnerContext, newTag?: string) => Promise<void>, use: ContextUse = 'rollout'): Promise<void> {
  try {
    const { ctx, newTag, dryRun } = await buildClusterContext(flags, use);
    if (dryRun) dryRuns.set(ctx, dryRun);
    await work(ctx, newTag);
  } catch (err) {
    throw toCliError(err);
  }
}

/** parseStage reads `--to`: a stage number from 1. */
export function parseStage(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new InputError(`--to: must be a stage number (got ${JSON.stringify(value)})`);
  return n;
}
