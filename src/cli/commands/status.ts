// `helm-canary status`: registration only; the reads are imported when it runs.
import { Option, type Command } from 'commander';
import type { CliDeps } from '../cli-deps.js';
import { addClusterOptions, addTargetOptions } from '../options.js';
import type { StatusFlags } from './actions/status.js';

// Kept here (not imported from the action) so registering status loads nothing heavy.
const WAIT_PHASES = ['in-progress', 'promoting', 'rolling-back', 'failed', 'completed', 'rolled-back', 'interrupted', 'unrecorded'];

/** statusAction prints one release's status, or with --all/-A every recorded release. */
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
    .option('-A, --all-namespaces', 'every release with a rollout record in every namespace you can list')
    .option('-w, --watch', 'redraw as the rollout moves (stage, weights, each Deployment, its pods, the last events) until it ends or Ctrl-C; without a terminal, print a new block only when something changed')
    .addOption(new Option('--wait-for <phase>', 'wait until the rollout reaches this phase, then print the status (exit 0); exit 5 if it ends rolled back, 1 failed, 4 completed, 6 on --timeout').choices(WAIT_PHASES))
    .option('--timeout <duration>', 'with --wait-for: how long to wait (default 10m)')
    .option('--interval <duration>', 'with --watch or --wait-for: how often to read the cluster (default 2s)')
    .addHelpText(
      'after',
      '\nExamples:\n' +
        '  helm-canary status -w                                   live view until the rollout ends\n' +
        '  helm-canary status --wait-for completed --timeout 30m   for scripts: exit 0 once completed\n' +
        '  helm-canary status -A -o yaml                           every recorded release, all namespaces\n',
    )
    .action((opts: StatusFlags) => statusAction(opts, deps));
}
