// `helm-canary rbac`: registration only; the manifests are built when it runs.
import { Option, type Command } from 'commander';
import type { CliDeps } from '../cli-deps.js';
import type { RbacFlags } from './actions/rbac.js';

/** rbacAction prints the least-privilege ServiceAccount, Role and RoleBinding. */
export async function rbacAction(opts: RbacFlags, deps: CliDeps): Promise<void> {
  (await import('./actions/rbac.js')).runRbac(opts, deps);
}

/** registerRbac adds `rbac` to the program. */
export function registerRbac(program: Command, deps: CliDeps): void {
  program
    .command('rbac')
    .description('print the ServiceAccount, Role and RoleBinding helm-canary needs in a namespace (least privilege; needs no cluster)')
    .requiredOption('-n, --namespace <ns>', 'the namespace of the releases it will move')
    .option('--service-account <name>', 'the ServiceAccount to create and bind', 'helm-canary')
    .addOption(new Option('-o, --output <format>', 'output format').choices(['yaml', 'json']).default('yaml'))
    .addHelpText('after', '\nExample:\n  helm-canary rbac -n bookinfo | kubectl apply -f -\n')
    .action((opts: RbacFlags) => rbacAction(opts, deps));
}
