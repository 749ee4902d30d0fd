#!/usr/bin/env node
// helm-canary: the command-line entry. Wiring only: each command's work lives in commands/,
// imported when the command runs, so `--help` and `plan` never load the Kubernetes client.
import { Command, InvalidArgumentError, Option } from 'commander';
import { endQuietlyOnClosedOutput, jsonOutputRequested, reportError } from './report-error.js';
import { PLAN_OUTPUTS } from './commands/plan-outputs.js';
import { packageVersion } from '../config/package-root.js';
import { registerPipelineCommand } from './commands/pipeline-command.js';
import nodeModule from 'node:module';

// Node 22.1+ keeps compiled code between runs; the lazily loaded chunks (the Kubernetes client
// above all) are most of a cluster command's start. A no-op on Node 20, which lacks it.
(nodeModule as { enableCompileCache?: () => unknown }).enableCompileCache?.();
// `helm-canary --help | head -1`: a reader that has gone away is no crash.
endQuietlyOnClosedOutput();

const program = new Command();

// A second -f would silently replace the first: refuse it (commander reports it, exit 2).
function onlyOneFile(value: string, previous: string | undefined): string {
  if (previous !== undefined) throw new InvalidArgumentError(`-f given twice (${previous} and ${value}); give one config file`);
  return value;
}

// The options that name a release and where it is: all that a read-only command (status) uses.
function addTargetOptions(cmd: Command): Command {
  return cmd
    .option('-f, --file <path>', 'config file (default: ./canary.yaml when present)', onlyOneFile)
    .option('--release <name>', 'helm release name')
    .option('-n, --namespace <ns>', 'Kubernetes namespace');
}

function addConfigOptions(cmd: Command): Command {
  return addTargetOptions(cmd)
    .option('--chart <chart>', 'chart: a local path or oci:// reference')
    .option('--values <file...>', "the team's own values files, applied before each stage's generated values")
    .option('--repository <repo>', 'image repository of both deployments')
    .option('--replicas <n>', 'production replica count')
    .option('--plan <name|path>', 'plan: a name in stages/ (seven-stage, gradual) or a YAML file')
    .option('--steps <list>', 'canary weight steps instead of a plan, e.g. 10,90,100')
    .option('--drain-seconds <s>', 'seconds to let Envoy stop routing before pods are removed')
    .option('--timeout <duration>', 'helm --timeout for each apply, e.g. 5m');
}

program
  .name('helm-canary')
  .description(
    'Istio-style canary releases of Helm charts, with a person judging each stage.\n' +
      'Each stage is a helm upgrade --install --wait of your chart with generated values.\n' +
      'Traffic moves only to ready pods, and rollback works from any stage.',
  )
  .version(packageVersion())
  .showHelpAfterError('(run with --help for usage)')
  .addHelpText(
    'after',
    '\nExit codes: 0 done, 1 stage failed, 2 bad input, 3 cluster or helm unreachable,\n' +
      '            4 blocked (lock held, drift, wrong stage), 5 rolled back,\n' +
      '            70 internal error (a bug), 130 interrupted (SIGINT), 143 terminated (SIGTERM).\n',
  )
  .exitOverride();

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
      '      --replicas 2 --stable-tag 83 --new-tag 84 --steps 5,25,50,100 --output script > release.sh\n',
  )
  .action(async (opts) => {
    const { buildPlan, renderPlan } = await import('./commands/plan.js');
    process.stdout.write(`${renderPlan(buildPlan(opts), opts.output)}\n`);
  });

addConfigOptions(
  program
    .command('lint')
    .description('check config, plan and chart without a cluster: helm lint, and helm template of every stage and rollback')
    .option('--stable-tag <tag>', 'stable tag to render with (default: a placeholder)')
    .option('--new-tag <tag>', 'new tag to render with (default: a placeholder)')
    .option('--helm <path>', 'helm binary (default: $HELM_BIN, then helm on PATH)'),
).action(async (opts) => (await import('./commands/lint.js')).runLint(opts));

program
  .command('schema')
  .description("print the JSON Schema of canary.yaml (for editor completion)")
  .action(async () => {
    const { configJsonSchema } = await import('../config/json-schema.js');
    process.stdout.write(`${JSON.stringify(configJsonSchema(), null, 2)}\n`);
  });

function addClusterOptions(cmd: Command, addReleaseOptions = addConfigOptions): Command {
  return addReleaseOptions(cmd)
    .option('--kubeconfig <path>', 'kubeconfig file (default: $KUBECONFIG, then ~/.kube/config)')
    .option('--context <name>', 'kubeconfig context')
    .option('--kube-context <name>', 'kubeconfig context (helm\'s name for --context)')
    .option('--helm <path>', 'helm binary, 3.8+ or 4 (default: $HELM_BIN, then helm on PATH)')
    .addOption(new Option('-o, --output <format>', 'output format').choices(['text', 'json']).default('text'));
}

// `--yes` on the commands that never ask: accepted so a pipeline can always pass it.
const NEVER_ASKS = 'accepted and ignored: this command never asks (so pipelines can always pass it)';

function addMutatingOptions(cmd: Command, yes = NEVER_ASKS): Command {
  return addClusterOptions(cmd)
    .option('--dry-run', 'print the helm commands and values it would apply; change nothing')
    .option('--recover', 'first clear a helm release left pending-upgrade/pending-install by an interrupted helm')
    .option('-y, --yes', yes);
}

const cluster = () => import('./commands/cluster-commands.js');

addMutatingOptions(
  program.command('deploy').description('apply the stable stage with --tag: the first install, or a plain update when no rollout is in progress'),
)
  .requiredOption('--tag <tag>', 'image tag to run in production')
  .option('--create-namespace', 'create the namespace if it does not exist (as helm --create-namespace)')
  .action(async (opts) => (await cluster()).runDeploy(opts));

addMutatingOptions(
  program.command('start').description('record a rollout (stable tag read from the release) and apply stage 2'),
)
  .requiredOption('--new-tag <tag>', 'image tag to release')
  .option('--to <stage>', 'go on through every stage up to this one, with no gate between them (default 2)')
  .option('--force', 'start even if the release differs from its stable values')
  .option('--rollback-on-failure', 'roll back automatically when the stage fails')
  .action(async (opts) => (await cluster()).runStart(opts));

addMutatingOptions(
  program.command('promote').description('apply the next stage, or each stage up to --to in order'),
)
  .option('--to <stage>', 'promote through every stage up to this one')
  .option('--force', 'promote even if the cluster drifted from the rollout record')
  .option('--rollback-on-failure', 'roll back automatically when a stage fails')
  .action(async (opts) => (await cluster()).runPromote(opts));

addMutatingOptions(
  program.command('rollback').description('return to the stable tag from any stage, in a safe order; exit 0 once verified'),
).action(async (opts) => (await cluster()).runRollback(opts));

addMutatingOptions(
  program.command('run').description('interactive rollout: start (or resume), then after each stage ask to promote, roll back or hold'),
  'ask nothing: promote through every stage, stopping at the first one not in place',
)
  .option('--new-tag <tag>', 'image tag to release (not needed to resume)')
  .option('--rollback-on-failure', 'roll back automatically when a stage fails')
  .action(async (opts) => (await import('./commands/run-interactive.js')).runInteractive(opts));

addClusterOptions(
  program.command('status').description("the release's stage, both deployments, live weights, the rollout record and next moves"),
  addTargetOptions,
)
  .option('--all', 'every release with a rollout record in the namespace (no config needed)')
  .action(async (opts) => (await cluster()).runStatus(opts));

registerPipelineCommand(program);

async function main(argv: string[]): Promise<number> {
  try {
    await program.parseAsync(argv);
    return 0;
  } catch (err) {
    // --help, --version and usage errors end through here too (CommanderError).
    return reportError(err, jsonOutputRequested(program));
  }
}

process.exitCode = await main(process.argv);
