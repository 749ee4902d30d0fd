// The runner's errors, named for why a command stopped. The CLI maps each to its documented exit
// code (src/cli/to-cli-error.ts); the runner never chooses an exit code itself.
import type { Refusal } from './ports.js';

/** BadRequestError: the command asked for what cannot be (a release that does not exist, a stage behind); nothing was run. */
export class BadRequestError extends Error {
  override name = 'BadRequestError';
  constructor(
    message: string,
    readonly details: string[] = [],
  ) {
    super(message);
  }
}

/** BlockedError: the release's state (a rollout in progress, a lost lease, a stuck helm release) refuses the move. */
export class BlockedError extends Error {
  override name = 'BlockedError';
  constructor(
    message: string,
    readonly details: string[] = [],
  ) {
    super(message);
  }
}

/** StageFailedError: a stage was attempted and failed; `rolledBack` when the runner then returned the release to stable. */
export class StageFailedError extends Error {
  override name = 'StageFailedError';
  constructor(
    message: string,
    readonly details: string[] = [],
    readonly rolledBack = false,
  ) {
    super(message);
  }
}

/** isRefusal is true for an error marked as a Refusal (ports.ts): the release's state refused the change. */
export function isRefusal(err: unknown): boolean {
  return err instanceof BlockedError || (typeof err === 'object' && err !== null && (err as Partial<Refusal>).refusal === true);
}
