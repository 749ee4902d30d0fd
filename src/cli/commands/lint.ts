// `helm-canary lint`: registration only; the checks (which run helm) are imported when it runs.
import { Option, type Command } from 'commander';
import type { CliDeps } from '../cli-deps.js';
import { addConfigOptions } from '../options.js';
import { OUTPUT_FORMATS } from '../render/machine-output.js';
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
  )
    .addOption(new Option('-o, --output <format>', 'text for people; json or yaml (the same document) for programs').choices(OUTPUT_FORMATS).default('text'))
    .addHelpText(
      'after',
      '\nIn overlay mode (mode: overlay) every render runs through helm-canary\'s overlay post-renderer, as\n' +
        'each apply does: a chart the overlay cannot canary (no Deployment, several and no overlay.deployment,\n' +
        'a one-label selector, ...) fails with the overlay\'s own message (exit 2). On success lint says what\n' +
        'the overlay generates: the Deployment, container and Service it canaries, the label the canary\'s pods\n' +
        'lack, the Service selector before and after, the canary Deployment, DestinationRule and VirtualService,\n' +
        'and the chart\'s HPA, PodDisruptionBudgets and hooks.\n',
    )
    .action((opts: LintFlags) => lintAction(opts, deps));
}
