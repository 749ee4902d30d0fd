// `helm-canary plan`: registration only. The work (config, engine, renderers) is imported when
// the command runs, and never loads the Kubernetes client.
import { Option, type Command } from 'commander';
import { addConfigOptions } from '../options.js';
import type { CliDeps } from '../cli-deps.js';

import { PLAN_OUTPUTS, type PlanOutput } from './plan-outputs.js';

/** PlanOptions are plan's parsed options. */
export type PlanOptions = import('./actions/plan.js').PlanFlags & { output: PlanOutput };

/** planAction prints the plan in the format asked for. */
export async function planAction(opts: PlanOptions, deps: CliDeps): Promise<void> {
  const { buildPlan, renderPlan } = await import('./actions/plan.js');
  deps.stdout.write(`${renderPlan(buildPlan(opts), opts.output)}\n`);
}

/** registerPlan adds `plan` to the program. */
export function registerPlan(program: Command, deps: CliDeps): void {
  addConfigOptions(
    program
      .command('plan')
      .description('print every stage with its values, helm commands and rollbacks (needs no cluster)')
      .option('--stable-tag <tag>', 'image tag running in production now')
      .option('--new-tag <tag>', 'image tag to release'),
  )
    .addOption(new Option('-o, --output <format>', 'output format').choices([...PLAN_OUTPUTS]).default('table'))
    .addHelpText(
      'after',
      '\nExamples:\n' +
        '  helm-canary plan -f canary.yaml --stable-tag 83 --new-tag 84\n' +
        '  helm-canary plan --release productpage --chart ./charts/canary-app --repository acr.io/app \\\n' +
        '      --replicas 2 --stable-tag 83 --new-tag 84 --steps 5,25,50,100 --output script > release.sh\n' +
        '\nOverlay mode (mode: overlay): every apply runs helm through helm-canary\'s overlay post-renderer, which\n' +
        'adds the canary Deployment, DestinationRule and VirtualService; helm without it would delete them. The\n' +
        'table says "mode overlay", json/yaml have "mode": "overlay" and mark each apply "needsPostRenderer": true\n' +
        '(its helm and helmByHand argv lack the post-renderer\'s flags, which helm-canary adds when it runs them),\n' +
        'and --output script is refused (exit 2, nothing printed): run the stages with start/promote/rollback.\n',
    )
    .action((opts: PlanOptions) => planAction(opts, deps));
}
