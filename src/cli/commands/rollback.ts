// `helm-canary rollback`: registration only; the runner is imported when it runs.
import type { Command } from 'commander';
import type { CliDeps } from '../cli-deps.js';
import { addMutatingOptions } from '../options.js';
import type { RollbackFlags } from './actions/rollback.js';

/** rollbackAction returns the release to its stable tag. */
export async function rollbackAction(opts: RollbackFlags, deps: CliDeps): Promise<void> {
  await (await import('./actions/rollback.js')).runRollback(opts, deps);
}

/** registerRollback adds `rollback` to the program. */
export function registerRollback(program: Command, deps: CliDeps): void {
  addMutatingOptions(
    program.command('rollback').description('return to the stable tag from any stage, in a safe order; exit 0 once verified'),
  ).action((opts: RollbackFlags) => rollbackAction(opts, deps));
}
