// The Approver port: who judges a stage in `helm-canary run`. The gate loop (gate-loop.ts) offers
// the moves the engine allows; an Approver picks one. A person answers through inquirer
// (inquirer-approver.ts), `--yes` through unattended-approver.ts, a test through a scripted fake.
import type { Move } from '../../../engine/index.js';

/** GateMove is what may be chosen at the gate: an engine move, or hold (exit, resume later). */
export type GateMove = Move | { kind: 'hold' };

/** GateOption is one choice offered, with the words a person reads. */
export interface GateOption {
  move: GateMove;
  label: string;
}

/** GateState is where the release stands when the gate asks. */
export interface GateState {
  release: string;
  stableTag: string | null;
  stage: { number: number; of: number; name: string } | null;
  /** The status's position ("at stage 2", or what is not in place). */
  position: string;
  /** The last stage failed, a run was interrupted, or pods are not ready: the way back is offered first. */
  troubled: boolean;
}

/** Approver decides at each gate of an interactive rollout. */
export interface Approver {
  /** choose picks one of `options` (in the order offered). */
  choose(options: readonly GateOption[], state: GateState): Promise<GateMove>;
  /** confirmRollback asks once more before a rollback removes the canary; false goes back to the gate. */
  confirmRollback(state: GateState): Promise<boolean>;
}
