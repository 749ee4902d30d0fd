// The error types the CLI maps to exit codes, in one place. A user never sees a stack trace for
// a mistake of theirs; an unexpected error says it is a bug.

/** EXIT are the documented exit codes pipelines branch on (README, "Exit codes"). */
export const EXIT = {
  ok: 0,
  stageFailed: 1,
  badInput: 2,
  unreachable: 3,
  blocked: 4,
  rolledBack: 5,
  internal: 70,
  /** Interrupted by SIGINT (Ctrl-C), at a prompt or during a stage: 128 + 2. */
  interrupted: 130,
  /** Terminated by SIGTERM: 128 + 15. */
  terminated: 143,
} as const;
export type ExitCode = (typeof EXIT)[keyof typeof EXIT];

/** CliError is an error with a message for people and the exit code it maps to. */
export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode: ExitCode,
    readonly details: string[] = [],
  ) {
    super(message);
  }
}

/** InputError: the command's input is wrong; nothing was run (exit 2). */
export class InputError extends CliError {
  override name = 'InputError';
  constructor(message: string, readonly problems: string[] = []) {
    super(message, EXIT.badInput, problems);
  }
}

/** BlockedError: the cluster is not in a state that allows the move (exit 4). */
export class BlockedError extends CliError {
  override name = 'BlockedError';
  constructor(message: string, details: string[] = []) {
    super(message, EXIT.blocked, details);
  }
}

/** UnreachableError: the cluster or helm cannot be reached or run (exit 3). */
export class UnreachableError extends CliError {
  override name = 'UnreachableError';
  constructor(message: string, details: string[] = []) {
    super(message, EXIT.unreachable, details);
  }
}

/** StageFailedError: a stage was attempted and failed (exit 1, or 5 when rolled back). */
export class StageFailedError extends CliError {
  override name = 'StageFailedError';
  constructor(message: string, details: string[] = [], rolledBack = false) {
    super(message, rolledBack ? EXIT.rolledBack : EXIT.stageFailed, details);
  }
}

/** InterruptedError: a person pressed Ctrl-C where nothing was running (exit 130, as for SIGINT). */
export class InterruptedError extends CliError {
  override name = 'InterruptedError';
  constructor(message: string, details: string[] = []) {
    super(message, EXIT.interrupted, details);
  }
}
