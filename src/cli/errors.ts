// The exit codes, the error a message and exit code are printed from (CliError), and the CLI's own
// errors. The layers below throw their own typed errors; to-cli-error.ts maps them to CliErrors.
// A user never sees a stack trace for a mistake of theirs; an unexpected error says it is a bug.

/** EXIT are the documented exit codes pipelines branch on (README, "Exit codes"). */
export const EXIT = {
  ok: 0,
  stageFailed: 1,
  badInput: 2,
  unreachable: 3,
  blocked: 4,
  rolledBack: 5,
  /** status --wait-for: the phase was not reached within --timeout. */
  waitTimedOut: 6,
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

/** InputError: the command line is wrong (a flag, a missing argument); nothing was run (exit 2). */
export class InputError extends CliError {
  override name = 'InputError';
  constructor(message: string, readonly problems: string[] = []) {
    super(message, EXIT.badInput, problems);
  }
}

/** UnreachableError: the CLI cannot run helm or reach the cluster it was pointed at (exit 3). */
export class UnreachableError extends CliError {
  override name = 'UnreachableError';
  constructor(message: string, details: string[] = []) {
    super(message, EXIT.unreachable, details);
  }
}

/** InterruptedError: a person pressed Ctrl-C where nothing was running (exit 130, as for SIGINT). */
export class InterruptedError extends CliError {
  override name = 'InterruptedError';
  constructor(message: string, details: string[] = []) {
    super(message, EXIT.interrupted, details);
  }
}
