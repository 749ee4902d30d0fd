// `helm-canary start --new-tag N`: records a rollout and applies stage 2 (or up to --to).
import type { ClusterFlags } from '../../cluster-context.js';
import type { CliDeps } from '../../cli-deps.js';
import { InputError } from '../../errors.js';
import { start } from '../../../rollout/start.js';
import { parseStage, printStatus, withContext, type OutputFlags } from './cluster-action.js';

/** StartFlags are start's flags. */
export type StartFlags = ClusterFlags & OutputFlags & { to?: string; recover?: boolean; force?: boolean; rollbackOnFailure?: boolean };

/** runStart is `helm-canary start --new-tag N`. */
export function runStart(flags: StartFlags, deps: CliDeps): Promise<void> {
  if (!flags.newTag) throw new InputError('start needs --new-tag');
  const to = parseStage(flags.to);
  if (to === 1) throw new InputError('--to: start applies stage 2 at least (got 1)');
  return withContext(deps, flags, async (ctx, newTag) => {
    await start(ctx, { newTag: newTag!, to, recover: flags.recover, force: flags.force, rollbackOnFailure: flags.rollbackOnFailure });
    await printStatus(deps, ctx, flags);
  });
}
