// The config layer's one error: the configuration (file, flags, environment) is wrong, and
// nothing was run. The CLI maps it to exit 2 and prints the problems under the title.

/** ConfigError lists every problem found, each naming its path (`image.repository: ...`). */
export class ConfigError extends Error {
  override name = 'ConfigError';
  constructor(
    message: string,
    readonly problems: string[] = [],
  ) {
    super(message);
  }
}

/**
 * InvalidInputError is a ConfigError of bad values: each problem names the flag it came from
 * (`--replicas: ...`) or the field of the config file (`replicas: ...`), and the title says which
 * are at fault. A command adds the problems of its own flags to the config's with `withProblems`.
 */
export class InvalidInputError extends ConfigError {
  override name = 'InvalidInputError';
  constructor(
    problems: string[],
    /** The config file read, if any: the title names it when a problem is the file's. */
    readonly source?: string,
  ) {
    super(invalidInputTitle(problems, source), problems);
  }

  /** withProblems is this error with `more` problems (a command's own flags') after the config's. */
  withProblems(more: readonly string[]): InvalidInputError {
    return new InvalidInputError([...this.problems, ...more], this.source);
  }
}

// A flag's problem starts with the flag (`--replicas: ...`, `--steps (plan.steps[1]): ...`).
function flagOf(problem: string): string | undefined {
  return /^(--[a-z][a-z-]*)/.exec(problem)?.[1];
}

/**
 * invalidInputTitle is the title of an input error: "invalid flag --x" when only flags are at
 * fault, "invalid configuration in FILE" when only the configuration is, and both named otherwise.
 */
export function invalidInputTitle(problems: readonly string[], source: string | undefined): string {
  const blamed = problems.map(flagOf);
  const flags = [...new Set(blamed.filter((f): f is string => f !== undefined))].sort();
  const configuration = `configuration${source ? ` in ${source}` : ''}`;
  if (!flags.length) return `invalid ${configuration}`;
  const named = `flag${flags.length > 1 ? 's' : ''} ${flags.join(', ')}`;
  if (blamed.every((f) => f !== undefined)) return `invalid ${named}`;
  return `invalid input: ${named}, and the ${configuration}`;
}
