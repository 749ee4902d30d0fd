// `helm-canary history`: registration only; the read is imported when it runs.
import type { Command } from 'commander';
import type { CliDeps } from '../cli-deps.js';
import { addClusterOptions, addTargetOptions } from '../options.js';
import type { HistoryFlags } from './actions/history.js';

/** registerHistory adds `history` to the program; like status it needs only the release and how to reach it. */
export function registerHistory(program: Command, deps: CliDeps): void {
  addClusterOptions(
    program
      .command('history')
      .description("the rollout record's transitions: who moved the release from which stage to which, when, and with what result")
      .addHelpText('after', '\nA release without a rollout record exits 2. helm\'s own revisions: helm history RELEASE.\n'),
    addTargetOptions,
  ).action(async (opts: HistoryFlags) => (await import('./actions/history.js')).runHistory(opts, deps));
}
