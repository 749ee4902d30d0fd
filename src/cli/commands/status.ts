// `helm-canary status`: registration only; the reads are imported when it runs.
import type { Command } from 'commander';
import type { CliDeps } from '../cli-deps.js';
import { addClusterOptions, addTargetOptions } from '../options.js';
import type { StatusFlags } from './actions/status.js';

/** statusAction prints one release's status, or with --all every recorded release of the namespace. */
export async function statusAction(opts: StatusFlags, deps: CliDeps): Promise<void> {
  await (await import('./actions/status.js')).runStatus(opts, deps);
}

/** registerStatus adds `status` to the program; it takes the target options only (it needs no rollout config). */
export function registerStatus(program: Command, deps: CliDeps): void {
  addClusterOptions(
    program.command('status').description("the release's stage, both deployments, live weights, the rollout record and next moves"),
    addTargetOptions,
  )
    .option('--all', 'every release with a rollout record in the namespace (no config needed)')
    .action((opts: StatusFlags) => statusAction(opts, deps));
}
