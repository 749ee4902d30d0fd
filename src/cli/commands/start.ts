// `helm-canary start --new-tag N`: registration only; the runner is imported when it runs.
import type { Command } from 'commander';
import type { CliDeps } from '../cli-deps.js';
import { addMutatingOptions } from '../options.js';
import type { StartFlags } from './actions/start.js';

/** startAction records a rollout and applies stage 2 (or up to --to). */
export async function startAction(opts: StartFlags, deps: CliDeps): Promise<void> {
  await (await import('./actions/start.js')).runStart(opts, deps);
}

/** registerStart adds `start` to the program. */
export function registerStart(program: Command, deps: CliDeps): void {
  addMutatingOptions(program.command('start').description('record a rollout (stable tag read from the release) and apply stage 2'))
    .requiredOption('--new-tag <tag>', 'image tag to release')
    .option('--to <stage>', 'go on through every stage up to this one, with no gate between them (default 2)')
    .option('--force', 'start even if the release differs from its stable values')
    .option('--rollback-on-failure', 'roll back automatically when the stage fails')
    .action((opts: StartFlags) => startAction(opts, deps));
}
