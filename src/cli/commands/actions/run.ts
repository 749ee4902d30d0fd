// `helm-canary run`: the interactive rollout. Builds the context, then runs the gate with a person
// (on a terminal) or `--yes` as the Approver. Never waits for input without a terminal: it says
// which flag or command to use instead.
import { isCi } from '../../../ci/detect.js';
import { buildClusterContext, type ClusterFlags } from '../../cluster-context.js';
import { InputError } from '../../errors.js';
import { toCliError } from '../../to-cli-error.js';
import { inquirerApprover } from '../gate/inquirer-approver.js';
import { runGate } from '../gate/gate-loop.js';
import { unattendedApprover } from '../gate/unattended-approver.js';

/** RunFlags are `run`'s flags. */
export interface RunFlags extends ClusterFlags {
  newTag?: string;
  yes?: boolean;
  rollbackOnFailure?: boolean;
}

/** runInteractive is `helm-canary run --new-tag N`. */
export async function runInteractive(flags: RunFlags, io: { interactive: boolean } = { interactive: Boolean(process.stdin.isTTY && process.stdout.isTTY) && !isCi(process.env) }): Promise<void> {
  if (!io.interactive && !flags.yes) {
    throw new InputError('run asks a person before each stage, and there is no terminal to ask on', [
      'in a pipeline use: helm-canary start --new-tag TAG, then helm-canary promote (one stage per approval)',
      'or pass --yes to promote through every stage without asking',
    ]);
  }
  try {
    const { ctx, newTag } = await buildClusterContext(flags);
    const approver = flags.yes ? unattendedApprover : inquirerApprover;
    await runGate(ctx, { newTag, rollbackOnFailure: flags.rollbackOnFailure }, approver, (text) => process.stdout.write(text));
  } catch (err) {
    throw toCliError(err);
  }
}
