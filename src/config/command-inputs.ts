// The checks a command runs on its own flags (deploy's --tag, start's --new-tag, plan's
// --stable-tag...), and how their problems join the config's in one error: one run lists every
// problem of the command line and the file together.
import { safeParse } from 'zod/mini';
import { InvalidInputError } from './config-error.js';
import { imageTag } from './schema.js';
import { loadConfig, type ConfigFlags } from './load-config.js';

/** parseImageTag checks an image tag given by `flag`; a problem, named by the flag, goes to `problems`. */
export function parseImageTag(value: string | undefined, flag: string, problems: string[]): string | undefined {
  if (value === undefined) return undefined;
  const checked = safeParse(imageTag, value);
  if (!checked.success) problems.push(`${flag}: ${checked.error.issues[0]!.message} (got ${JSON.stringify(value)})`);
  return checked.success ? checked.data : undefined;
}

/**
 * withInputProblems loads the config with `load` and throws one InvalidInputError listing the
 * config's problems and then `problems` (the command's own flags'), when there are any.
 */
export function withInputProblems<T>(problems: readonly string[], load: () => T): T {
  let loaded: T;
  try {
    loaded = load();
  } catch (err) {
    if (problems.length && err instanceof InvalidInputError) throw err.withProblems(problems);
    throw err;
  }
  if (problems.length) throw new InvalidInputError([...problems]);
  return loaded;
}

/**
 * rejectInputProblems throws when a command's own flags have problems: one InvalidInputError
 * listing them after the config's problems, so a run shows both.
 */
export function rejectInputProblems(problems: readonly string[], flags: ConfigFlags, cwd = process.cwd()): void {
  if (problems.length) withInputProblems(problems, () => loadConfig(flags, cwd));
}
