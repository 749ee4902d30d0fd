// Runs the built CLI (dist/bin/helm-canary.mjs, the bundle the npm bin points at) as a user would, returning its exit code and output.
import { execa, type Options } from 'execa';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** repoRoot is the checkout's top directory. */
export const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
/** cliPath is the built entry point the npm bin points at; HELM_CANARY_CLI names another build (say, an older commit's, for before/after numbers). */
export const cliPath = process.env.HELM_CANARY_CLI ? resolve(process.env.HELM_CANARY_CLI) : join(repoRoot, 'dist', 'bin', 'helm-canary.mjs');

/** CliResult is what a run printed and how it ended. */
export interface CliResult {
  exitCode: number;
  stdout: string;
  stderr: string;
}

/** runCli runs `helm-canary ...args`; never throws on a non-zero exit. */
export async function runCli(args: string[], options: Options & { nodeArgs?: string[] } = {}): Promise<CliResult> {
  const { nodeArgs = [], ...rest } = options;
  const result = await execa(process.execPath, [...nodeArgs, cliPath, ...args], { reject: false, stdin: 'ignore', ...rest });
  return { exitCode: result.exitCode ?? -1, stdout: String(result.stdout), stderr: String(result.stderr) };
}
