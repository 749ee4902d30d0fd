// `helm-canary lint`: registration only; the checks (which run helm) are imported when it runs.
import type { Command } from 'commander';
import type { CliDeps } from '../cli-deps.js';
import { addConfigOptions } from '../options.js';
import type { LintFlags } from './actions/lint.js';

/** lintAction checks config, plan and chart. */
export async function lintAction(opts: LintFlags, deps: CliDeps): Promise<void> {
  await (await import('./actions/lint.js')).runLint(opts, deps);
}

/** registerLint adds `lint` to the program. */
export function registerLint(program: Command, deps: CliDeps): void {
  addConfigOptions(
    program
      .command('lint')
      .description('check config, plan and chart without a cluster: helm lint, and helm template of every stage and rollback')
      .option('--stable-tag <tag>', 'stable tag to render with (default: a placeholder)')
      .option('--new-tag <tag>', 'new tag to render with (default: a placeholder)')
      .option('--helm <path>', 'helm binary (default: $HELM_BIN, then helm on PATH)'),
  ).action((opts: LintFlags) => lintAction(opts, deps));
}
