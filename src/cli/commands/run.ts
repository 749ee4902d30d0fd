// `helm-canary run`: registration only; the gate and its prompts are imported when it runs.
import type { Command } from 'commander';
import type { CliDeps } from '../cli-deps.js';
import { addMutatingOptions } from '../options.js';
import type { RunFlags } from './actions/run.js';

/** runAction starts or resumes a rollout and asks a person at each stage. */
export async function runAction(opts: RunFlags, deps: CliDeps): Promise<void> {
  await (await import('./actions/run.js')).runInteractive(opts, deps);
}

/** registerRun adds `run` to the program. */
export function registerRun(program: Command, deps: CliDeps): void {
  addMutatingOptions(
    program.command('run').description('interactive rollout: start (or resume), then after each stage ask to promote, roll back or hold'),
    'ask nothing: promote through every stage, stopping at the first one not in place',
  )
    .option('--new-tag <tag>', 'image tag to release (not needed to resume)')
    .option('--rollback-on-failure', 'roll back automatically when a stage fails')
    .action((opts: RunFlags) => runAction(opts, deps));
}
