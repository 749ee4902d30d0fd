// The one place an error becomes a message and an exit code. In GitHub Actions and Azure
// Pipelines the message is also an error annotation, so it shows on the run's summary page.
import { CliError, EXIT } from './errors.js';
import { detectCi, errorAnnotation } from '../ci/index.js';

/** reportError prints `err` for people (stderr) and, in JSON mode, for machines (stdout). */
export function reportError(err: unknown, json: boolean, env: NodeJS.ProcessEnv = process.env): number {
  const ci = detectCi(env);
  if (err instanceof CliError) {
    process.stderr.write(`error: ${err.message}\n${err.details.map((d) => `  ${d.replace(/\n/g, '\n    ')}\n`).join('')}`);
    if (ci) process.stderr.write(`${errorAnnotation(ci, [err.message, ...err.details].join('\n'), `helm-canary (exit ${err.exitCode})`)}\n`);
    if (json) process.stdout.write(`${JSON.stringify({ error: { message: err.message, details: err.details, exitCode: err.exitCode } })}\n`);
    return err.exitCode;
  }
  const detail = err instanceof Error ? (err.stack ?? err.message) : String(err);
  process.stderr.write(`internal error (this is a bug in helm-canary, please report it):\n${detail}\n`);
  if (ci) process.stderr.write(`${errorAnnotation(ci, `internal error: ${err instanceof Error ? err.message : String(err)}`)}\n`);
  return EXIT.internal;
}
