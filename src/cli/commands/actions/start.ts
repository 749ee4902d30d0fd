// `helm-canary start --new-tag N`: records a rollout and applies stage 2 (or up to --to).
import type { ClusterFlags } from '../../cluster-context.js';
import type { CliDeps } from '../../cli-deps.js';
import { InputError } from '../../errors.js';
import { start } from '../../../rollout/start.js';
import { parseImageTag, rejectInputProblems } from '../../../config/command-inputs.js';
import { parseStage, printStatus, withContext, type OutputFlags } from './cluster-action.js';

/** StartFlags are start's flags. */
export type StartFlags = ClusterFlags & OutputFlags & { newTag?: string; to?: string; recover?: boolean; force?: boolean; rollbackOnFailure?: boolean };

/** StartInputs are start's own inputs. */
export interface StartInputs {
  /** --new-tag: the image tag to release. */
  newTag: string;
  /** --to: the last stage to apply (2 when not given). */
  to?: number;
}

/**
 * startInputs checks --new-tag and --to. The new tag is compared with the stable tag of the
 * deployed release when start runs, not with image.stableTag.
 */
export function startInputs(flags: StartFlags, cwd = process.cwd()): StartInputs {
  if (!flags.newTag) throw new InputError('start needs --new-tag');
  const to = parseStage(flags.to);
  if (to === 1) throw new InputError('--to: start applies stage 2 at least (got 1)');
  const problems: string[] = [];
  const newTag = parseImageTag(flags.newTag, '--new-tag', problems);
  rejectInputProblems(problems, flags, cwd);
  return { newTag: newTag!, to };
}

/** runStart is `helm-canary start --new-tag N`. */
export async function runStart(flags: StartFlags, deps: CliDeps): Promise<void> {
  const { newTag, to } = startInputs(flags);
  await withContext(deps, flags, async (ctx, dryRun) => {
    await start(ctx, { newTag, to, recover: flags.recover, force: flags.force, rollbackOnFailure: flags.rollbackOnFailure });
    await printStatus(deps, ctx, flags, dryRun);
  });
}
