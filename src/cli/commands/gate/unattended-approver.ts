// `run --yes`: nobody is asked. Every stage in place is promoted; a stage not in place stops the
// run, since only a person may judge whether to go on or roll back.
import { StageFailedError } from '../../../rollout/rollout-errors.js';
import type { Approver, GateMove, GateOption, GateState } from './approver.js';

/** unattendedApprover promotes through every stage, stopping at the first one not in place. */
export const unattendedApprover: Approver = {
  async choose(options: readonly GateOption[], state: GateState): Promise<GateMove> {
    if (state.troubled) {
      throw new StageFailedError(`${state.release} is not in place (${state.position}); not promoting without a person to judge it`, ['roll back with: helm-canary rollback']);
    }
    return options.find((o) => o.move.kind === 'promote')?.move ?? { kind: 'hold' };
  },
  async confirmRollback(): Promise<boolean> {
    return true;
  },
};
