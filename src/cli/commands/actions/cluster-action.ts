// The commands that talk to a cluster. Each builds the context (validating input before anything
// else), runs one rollout operation, and prints the release's status afterwards.
import { buildClusterContext, buildReadContext, type ClusterFlags } from '../cluster-context.js';
import { readAllStatuses } from '../../rollout/status-all.js';
import { InputError } from '../errors.js';
import { toCliError } from '../to-cli-error.js';
import { renderStatusTable, renderStatusText } from '../render/status-text.js';
import { deploy } from '../../rollout/deploy.js';
import { start } from '../../rollout/start.js';
import { promote } from '../../rollout/promote.js';
import { rollback } from '../../rollout/rollback.js';
import { readStatus } from '../../rollout/status.js';
import type { RunnerContext } from '../../rollout/context.js';
import type { PlannedApply } from '../../rollout/ports.js';

/** OutputFlags choose text or JSON on stdout. */
export interface OutputFlags {
  output?: 'text' | 'json';
}

// A dry run's applies, collected as the runner reports them, for `--dry-run -o json`.
const plannedByContext = new WeakMap<RunnerContext, PlannedApply[]>();

async function printStatus(ctx: RunnerContext, flags: OutputFlags): Promise<void> {
  if (ctx.dryRun) {
    // A dry run changed nothing, so the status would only repeat the cluster: it says what would run.
    const wouldApply = plannedByContext.get(ctx) ?? [];
    if (flags.output === 'json') process.stdout.write(`${JSON.stringify({ dryRun: true, release: ctx.spec.release, namespace: ctx.spec.namespace, wouldApply }, null, 2)}\n`);
    else if (wouldApply.length === 0) process.stdout.write('[dry run] nothing would be applied\n');
    return;
  }
  const status = await readStatus(ctx);
  (await import('../../ci/publish.js')).publishOutputs(status, { json: flags.output === 'json' });
  process.stdout.write(flags.output === 'json' ? `${JSON.stringify(status, null, 2)}\n` : `${renderStatusText(status)}\n`);
}

async function withContext(flags: ClusterFlags, work: (ctx: RunnerContext, newTag?: string) => Promise<void>, use: 'rollout' | 'status' = 'rollout'): Promise<void> {
  try {
    const { ctx, newTag } = await buildClusterContext(flags, use);
    if (ctx.dryRun) {
      const planned: PlannedApply[] = [];
      plannedByContext.set(ctx, planned);
      ctx.reporter.planned = (apply) => planned.push(apply);
    }
    await work(ctx, newTag);
  } catch (err) {
    throw toCliError(err);
  }
}

function parseStage(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new InputError(`--to: must be a stage number (got ${JSON.stringify(value)})`);
  return n;
}

/** runDeploy is `helm-canary deploy --tag T`. */
export function runDeploy(flags: ClusterFlags & OutputFlags & { tag: string; recover?: boolean }): Promise<void> {
  return withContext(flags, async (ctx, tag) => {
    await deploy(ctx, { tag: tag!, recover: flags.recover });
    await printStatus(ctx, flags);
  });
}

/** runStart is `helm-canary start --new-tag N`. */
export function runStart(flags: ClusterFlags & OutputFlags & { to?: string; recover?: boolean; force?: boolean; rollbackOnFailure?: boolean }): Promise<void> {
  if (!flags.newTag) throw new InputError('start needs --new-tag');
  const to = parseStage(flags.to);
  if (to === 1) throw new InputError('--to: start applies stage 2 at least (got 1)');
  return withContext(flags, async (ctx, newTag) => {
    await start(ctx, { newTag: newTag!, to, recover: flags.recover, force: flags.force, rollbackOnFailure: flags.rollbackOnFailure });
    await printStatus(ctx, flags);
  });
}

/** ensureReleaseExists stops a promote of a release that is neither installed nor recorded: a wrong name or namespace. */
async function ensureReleaseExists(ctx: RunnerContext): Promise<void> {
  const { release, namespace } = ctx.spec;
  if (await ctx.records.read(namespace, release)) return;
  if ((await ctx.helm.status()) !== undefined) return;
  throw new InputError(`release ${release} not found in namespace ${namespace}`, [
    'check --release and --namespace (or canary.yaml)',
    'install it first with: helm-canary deploy --tag TAG',
  ]);
}

/** runPromote is `helm-canary promote [--to STAGE]`. */
export function runPromote(flags: ClusterFlags & OutputFlags & { to?: string; force?: boolean; recover?: boolean; rollbackOnFailure?: boolean }): Promise<void> {
  const to = parseStage(flags.to);
  return withContext(flags, async (ctx) => {
    await ensureReleaseExists(ctx);
    await promote(ctx, { to, force: flags.force, recover: flags.recover, rollbackOnFailure: flags.rollbackOnFailure });
    await printStatus(ctx, flags);
  });
}

/** runRollback is `helm-canary rollback`. */
export function runRollback(flags: ClusterFlags & OutputFlags & { recover?: boolean }): Promise<void> {
  return withContext(flags, async (ctx) => {
    const rolled = await rollback(ctx, { recover: flags.recover });
    // A pipeline's rollback job for a release that was never installed: nothing to show either.
    if (rolled === undefined && (await ctx.helm.status()) === undefined) return;
    await printStatus(ctx, flags);
  });
}

/** runStatus is `helm-canary status`, or with --all every recorded release of the namespace. */
export async function runStatus(flags: ClusterFlags & OutputFlags & { all?: boolean }): Promise<void> {
  // One release's status needs only its name and namespace, not a complete canary.yaml.
  if (!flags.all) return withContext(flags, (ctx) => printStatus(ctx, flags), 'status');
  try {
    const { namespace, ...deps } = await buildReadContext(flags);
    const statuses = await readAllStatuses(deps, namespace);
    process.stdout.write(flags.output === 'json' ? `${JSON.stringify(statuses, null, 2)}\n` : `${renderStatusTable(statuses)}\n`);
  } catch (err) {
    throw toCliError(err);
  }
}
