// `helm-canary rbac`: registration only; the manifests are built when it runs.
import { Option, type Command } from 'commander';
import type { CliDeps } from '../cli-deps.js';
import type { RbacFlags } from './actions/rbac.js';

/** rbacAction prints the least-privilege ServiceAccount, Role and RoleBinding. */
export async function rbacAction(opts: RbacFlags, deps: CliDeps): Promise<void> {
  await (await import('./actions/rbac.js')).runRbac(opts, deps);
}

/** registerRbac adds `rbac` to the program. */
export function registerRbac(program: Command, deps: CliDeps): void {
  program
    .command('rbac')
    .description('print the ServiceAccount, Role and RoleBinding helm-canary needs in a namespace (least privilege; needs no cluster)')
    .requiredOption('-n, --namespace <ns>', 'the namespace of the releases it will move')
    .option('--service-account <name>', 'the ServiceAccount to create and bind', 'helm-canary')
    .option('-f, --file <path>', "also grant what this canary.yaml's chart creates: renders it with helm template (no cluster) and adds a rule per kind (a team's own chart in overlay mode)")
    .option('--helm <path>', 'helm binary for -f (default: $HELM_BIN, else helm.binary, else helm on PATH)')
    .addOption(new Option('-o, --output <format>', 'output format').choices(['yaml', 'json']).default('yaml'))
    .addHelpText('after', '\nExamples:\n  helm-canary rbac -n bookinfo | kubectl apply -f -\n  helm-canary rbac -n shop -f canary.yaml | kubectl apply -f -   # with the chart\'s own kinds\n')
    .action((opts: RbacFlags) => rbacAction(opts, deps));
}
