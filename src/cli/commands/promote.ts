// `helm-canary promote [--to STAGE]`: registration only; the runner is imported when it runs.
import type { Command } from 'commander';
import type { CliDeps } from '../cli-deps.js';
import { addMutatingOptions } from '../options.js';
import type { PromoteFlags } from './actions/promote.js';

/** promoteAction applies the next stage, or each stage up to --to. */
export async function promoteAction(opts: PromoteFlags, deps: CliDeps): Promise<void> {
  await (await import('./actions/promote.js')).runPromote(opts, deps);
}

/** registerPromote adds `promote` to the program. */
export function registerPromote(program: Command, deps: CliDeps): void {
  addMutatingOptions(program.command('promote').description('apply the next stage, or each stage up to --to in order'))
    .option('--to <stage>', 'promote through every stage up to this one')
    .option('--force', 'promote even if the cluster drifted from the rollout record; helm takes back the fields changed by hand')
    .option('--rollback-on-failure', 'roll back automatically when a stage fails')
    .action((opts: PromoteFlags) => promoteAction(opts, deps));
}
