// The one place an error becomes a message and an exit code.
import { CliError, EXIT } from './errors.js';

/** reportError prints `err` for people (stderr) and, in JSON mode, for machines (stdout). */
export function reportError(err: unknown, json: boolean): number {
  if (err instanceof CliError) {
    process.stderr.write(`error: ${err.message}\n${err.details.map((d) => `  ${d}\n`).join('')}`);
    if (json) process.stdout.write(`${JSON.stringify({ error: { message: err.message, details: err.details, exitCode: err.exitCode } })}\n`);
    return err.exitCode;
  }
  const detail = err instanceof Error ? (err.stack ?? err.message) : String(err);
  process.stderr.write(`internal error (this is a bug in helm-canary, please report it):\n${detail}\n`);
  return EXIT.internal;
}
