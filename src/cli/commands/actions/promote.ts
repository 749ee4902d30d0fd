// `helm-canary promote [--to STAGE]`: the next stage, or each stage up to --to.
import type { ClusterFlags } from '../../cluster-context.js';
import type { CliDeps } from '../../cli-deps.js';
import { InputError } from '../../errors.js';
import { promote } from '../../../rollout/promote.js';
import type { RunnerContext } from '../../../rollout/context.js';
import { parseStage, printStatus, withContext, type OutputFlags } from './cluster-action.js';

/** PromoteFlags are promote's flags. */
export type PromoteFlags = ClusterFlags & OutputFlags & { to?: string; force?: boolean; recover?: boolean; rollbackOnFailure?: boolean };

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
export function runPromote(flags: PromoteFlags, deps: CliDeps): Promise<void> {
  const to = parseStage(flags.to);
  return withContext(deps, flags, async (ctx, dryRun) => {
    await ensureReleaseExists(ctx);
    await promote(ctx, { to, force: flags.force, recover: flags.recover, rollbackOnFailure: flags.rollbackOnFailure });
    await printStatus(deps, ctx, flags, dryRun);
  });
}
