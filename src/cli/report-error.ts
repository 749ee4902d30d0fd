// The one place an error becomes a message and an exit code. In GitHub Actions and Azure
// Pipelines the message is also an error annotation, so it shows on the run's summary page.
import { CommanderError, type Command } from 'commander';
import { CliError, EXIT } from './errors.js';
import { toCliError } from './to-cli-error.js';
import { detectCi, errorAnnotation } from '../ci/index.js';
import type { Writer } from './cli-deps.js';

/**
 * jsonOutputRequested says whether the command line asked for `--output json`, as commander parsed
 * it: only the command that was run has its options parsed, so no other one can hold "json" here.
 */
export function jsonOutputRequested(cmd: Command): boolean {
  // -o yaml gets the same error document: a JSON line is a YAML document too.
  if ((cmd.opts().output === 'json' || cmd.opts().output === 'yaml') && cmd.getOptionValueSource('output') !== 'default') return true;
  return cmd.commands.some(jsonOutputRequested);
}

/** reportError prints `err` for people (stderr) and, in JSON mode, for machines (stdout). */
export function reportError(thrown: unknown, json: boolean, env: NodeJS.ProcessEnv = process.env, out: { stdout: Writer; stderr: Writer } = process): number {
  const { stdout, stderr } = out;
  const err = toCliError(thrown);
  if (err instanceof CommanderError) {
    // --help and --version end through here too, with exit code 0. Commander has already
    // printed a usage error on stderr; JSON mode gets it on stdout as well.
    if (err.exitCode === 0) return EXIT.ok;
    if (json) stdout.write(`${JSON.stringify({ error: { message: err.message.replace(/^error: /, ''), details: [], exitCode: EXIT.badInput } })}\n`);
    return EXIT.badInput;
  }
  const ci = detectCi(env);
  if (err instanceof CliError) {
    const details = err.details;
    stderr.write(`error: ${err.message}\n${details.map((d) => `  ${d.replace(/\n/g, '\n    ')}\n`).join('')}`);
    if (ci) stderr.write(`${errorAnnotation(ci, [err.message, ...details].join('\n'), `helm-canary (exit ${err.exitCode})`)}\n`);
    if (json) stdout.write(`${JSON.stringify({ error: { message: err.message, details, exitCode: err.exitCode } })}\n`);
    return err.exitCode;
  }
  const detail = err instanceof Error ? (err.stack ?? err.message) : String(err);
  stderr.write(`internal error (this is a bug in helm-canary, please report it):\n${detail}\n`);
  if (ci) stderr.write(`${errorAnnotation(ci, `internal error: ${err instanceof Error ? err.message : String(err)}`)}\n`);
  return EXIT.internal;
}

/**
 * endQuietlyOnClosedOutput keeps a closed stdout or stderr (`helm-canary --help | head -1`) from
 * crashing the process with EPIPE: what is left to print is dropped, and the process ends with the
 * exit code of its work (0 for --help). A rollout in progress is not cut short by a closed pipe.
 */
export function endQuietlyOnClosedOutput(streams: NodeJS.WritableStream[] = [process.stdout, process.stderr]): void {
  for (const stream of streams) {
    stream.on('error', (err: NodeJS.ErrnoException) => {
      if (err.code === 'EPIPE' || err.code === 'ERR_STREAM_DESTROYED') return;
      throw err;
    });
  }
}
