// A person at a terminal answers the gate with inquirer's prompts. Ctrl-C at a prompt leaves the
// rollout where it is and exits 130, as Ctrl-C during a stage does.
// The two prompts alone: the @inquirer/prompts index brings every prompt, the editor prompt's
// iconv-lite (~0.5 MB of the bundle) with them.
import confirm from '@inquirer/confirm';
import select from '@inquirer/select';
import { InterruptedError } from '../../errors.js';
import type { Approver, GateMove, GateOption, GateState } from './approver.js';

function question(state: GateState): string {
  const at = `Stage ${state.stage?.number} of ${state.stage?.of}`;
  return state.troubled ? `${at}: ${state.position}. What next?` : `${at} (${state.stage?.name}) is in place. What next?`;
}

// inquirer rejects with ExitPromptError when the prompt is closed by Ctrl-C.
async function unlessInterrupted<T>(prompt: Promise<T>): Promise<T> {
  try {
    return await prompt;
  } catch (err) {
    if (err instanceof Error && err.name === 'ExitPromptError') {
      throw new InterruptedError('interrupted: the rollout stays where it is', ['resume with: helm-canary run']);
    }
    throw err;
  }
}

/** inquirerApprover asks on the terminal. */
export const inquirerApprover: Approver = {
  async choose(options: readonly GateOption[], state: GateState): Promise<GateMove> {
    const index = await unlessInterrupted(select<number>({ message: question(state), choices: options.map((o, i) => ({ name: o.label, value: i })) }));
    return options[index]!.move;
  },
  confirmRollback(state: GateState): Promise<boolean> {
    return unlessInterrupted(confirm({ message: `Roll ${state.release} back to ${state.stableTag}, removing the canary?`, default: false }));
  },
};
