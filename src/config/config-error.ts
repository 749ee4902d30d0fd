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
