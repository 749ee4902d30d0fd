// `helm-canary deploy --tag T`: registration only; the runner is imported when it runs.
import type { Command } from 'commander';
import type { CliDeps } from '../cli-deps.js';
import { addMutatingOptions } from '../options.js';
import type { DeployFlags } from './actions/deploy.js';

/** deployAction applies the stable stage with --tag. */
export async function deployAction(opts: DeployFlags, deps: CliDeps): Promise<void> {
  await (await import('./actions/deploy.js')).runDeploy(opts, deps);
}

/** registerDeploy adds `deploy` to the program. */
export function registerDeploy(program: Command, deps: CliDeps): void {
  addMutatingOptions(
    program.command('deploy').description('apply the stable stage with --tag: the first install, or a plain update when no rollout is in progress'),
  )
    .requiredOption('--tag <tag>', 'image tag to run in production')
    .option('--create-namespace', 'create the namespace if it does not exist (as helm --create-namespace)')
    .action((opts: DeployFlags) => deployAction(opts, deps));
}
