// What every cluster command's action shares: build the context (validating input before
// anything else), run one rollout operation, and print the release's status afterwards (or, in a
// dry run, what would have been applied).
import type { ClusterFlags, ContextUse } from '../../cluster-context.js';
import type { CliDeps } from '../../cli-deps.js';
import { createReporter } from '../../progress.js';
import { InputError } from '../../errors.js';
import { toCliError } from '../../to-cli-error.js';
import { renderStatusText } from '../../render/status-text.js';
import { renderDryRun } from '../../render/dry-run-text.js';
import { isMachineOutput, renderDocument, type OutputFormat } from '../../render/machine-output.js';
import { readStatus } from '../../../rollout/status.js';
import type { RunnerContext } from '../../../rollout/context.js';
import type { DryRun } from '../../../dry-run/dry-run-adapters.js';
import type { ReleaseActivity } from '../../../rollout/release-activity.js';

/** OutputFlags choose text, JSON or YAML on stdout. */
export interface OutputFlags {
  output?: OutputFormat;
}

/** printStatus prints the release's status after a command, or what a dry run would have applied. */
export async function printStatus(deps: CliDeps, ctx: RunnerContext, flags: OutputFlags, dryRun?: DryRun): Promise<void> {
  if (dryRun) {
    // A dry run changed nothing, so the status would only repeat the cluster: it says what would run.
    const { wouldApply } = dryRun;
    if (isMachineOutput(flags.output)) deps.stdout.write(renderDocument({ dryRun: true, release: ctx.spec.release, namespace: ctx.spec.namespace, wouldApply }, flags.output));
    else deps.stdout.write(`${renderDryRun(wouldApply)}\n`);
    return;
  }
  const status = await readStatus(ctx);
  const json = isMachineOutput(flags.output);
  // In CI, Azure's log commands go to stdout, or with --output json/yaml to stderr.
  (await import('../../../ci/publish.js')).publishOutputs(status, { env: deps.env, json, log: (line) => (json ? deps.stderr : deps.stdout).write(`${line}\n`) });
  deps.stdout.write(isMachineOutput(flags.output) ? renderDocument(status, flags.output) : `${renderStatusText(status)}\n`);
}

/**
 * commandReporter is the progress reporter of one command: on deps' stderr, worded as a dry run's
 * with --dry-run.
 */
export function commandReporter(deps: CliDeps, flags: ClusterFlags) {
  return createReporter(deps.stderr, deps.env, { dryRun: flags.dryRun ?? false, debug: flags.debug ?? false, now: deps.now });
}

/** withContext runs `work` with the command's context; errors of the layers below become CLI errors. */
export async function withContext(deps: CliDeps, flags: ClusterFlags, work: (ctx: RunnerContext, dryRun?: DryRun, activity?: ReleaseActivity) => Promise<void>, use: ContextUse = 'rollout'): Promise<void> {
  try {
    const { ctx, dryRun, activity } = await deps.connect(flags, use, commandReporter(deps, flags));
    await work(ctx, dryRun, activity);
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
