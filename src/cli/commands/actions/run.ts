// `helm-canary run`: the interactive rollout. Builds the context, then runs the gate with a person
// (on a terminal) or `--yes` as the Approver. Never waits for input without a terminal: it says
// which flag or command to use instead.
import type { ClusterFlags } from '../../cluster-context.js';
import type { CliDeps } from '../../cli-deps.js';
import { InputError } from '../../errors.js';
import { toCliError } from '../../to-cli-error.js';
import { runGate } from '../gate/gate-loop.js';
import { unattendedApprover } from '../gate/unattended-approver.js';
import { parseImageTag, rejectInputProblems } from '../../../config/command-inputs.js';
import { commandReporter } from './cluster-action.js';

/** RunFlags are `run`'s flags. */
export interface RunFlags extends ClusterFlags {
  newTag?: string;
  yes?: boolean;
  rollbackOnFailure?: boolean;
}

/** runInputs checks run's own input: --new-tag, when given (a rollout in progress is resumed without it). */
export function runInputs(flags: RunFlags, cwd = process.cwd()): { newTag?: string } {
  const problems: string[] = [];
  const newTag = parseImageTag(flags.newTag, '--new-tag', problems);
  rejectInputProblems(problems, flags, cwd);
  return { newTag };
}

/** runInteractive is `helm-canary run --new-tag N`. */
export async function runInteractive(flags: RunFlags, deps: CliDeps): Promise<void> {
  const { askPerson } = deps;
  if (!askPerson && !flags.yes) {
    throw new InputError('run asks a person before each stage, and there is no terminal to ask on', [
      'in a pipeline use: helm-canary start --new-tag TAG, then helm-canary promote (one stage per approval)',
      'or pass --yes to promote through every stage without asking',
    ]);
  }
  const { newTag } = runInputs(flags);
  try {
    const { ctx } = await deps.connect(flags, 'rollout', commandReporter(deps, flags));
    const approver = flags.yes || !askPerson ? unattendedApprover : await askPerson();
    await runGate(ctx, { newTag, rollbackOnFailure: flags.rollbackOnFailure }, approver, (text) => deps.stdout.write(text));
  } catch (err) {
    throw toCliError(err);
  }
}
