// The option sets the commands share, each added once here so no command copies another's chain.
// A command takes the smallest set that covers what it uses, so its --help lists nothing it
// ignores (issue 10, defect 11). Nothing heavy is imported: every command is registered at start.
import { InvalidArgumentError, Option, type Command } from 'commander';
import { OUTPUT_FORMATS } from './render/machine-output.js';

// A second -f would silently replace the first: refuse it (commander reports it, exit 2).
function onlyOneFile(value: string, previous: string | undefined): string {
  if (previous !== undefined) throw new InvalidArgumentError(`-f given twice (${previous} and ${value}); give one config file`);
  return value;
}

/** addTargetOptions: the options that name a release and where it is, all a read-only command (status) uses. */
export function addTargetOptions(cmd: Command): Command {
  return cmd
    .option('-f, --file <path>', 'config file (default: ./canary.yaml when present)', onlyOneFile)
    .option('--release <name>', 'helm release name')
    .option('-n, --namespace <ns>', 'Kubernetes namespace');
}

/** addConfigOptions: the target plus every flag that stands in for a field of canary.yaml. */
export function addConfigOptions(cmd: Command): Command {
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

/** addClusterOptions: how to reach the cluster and helm, over the release options `addReleaseOptions` gives. */
export function addClusterOptions(cmd: Command, addReleaseOptions: (cmd: Command) => Command = addConfigOptions): Command {
  return addReleaseOptions(cmd)
    .option('--kubeconfig <path>', 'kubeconfig file (default: $KUBECONFIG, then ~/.kube/config)')
    .option('--context <name>', 'kubeconfig context')
    .option('--kube-context <name>', 'kubeconfig context (helm\'s name for --context)')
    .option('--helm <path>', 'helm binary, 3.8+ or 4 (default: $HELM_BIN, then helm on PATH)')
    .addOption(new Option('-o, --output <format>', 'text for people; json or yaml (the same document) for programs').choices(OUTPUT_FORMATS).default('text'))
    .option('--debug', "show helm's own output: each helm command and what it printed, on stderr");
}

// `--yes` on the commands that never ask: accepted so a pipeline can always pass it.
const NEVER_ASKS = 'accepted and ignored: this command never asks (so pipelines can always pass it)';

/** addMutatingOptions: the cluster options plus those of every command that changes the release; `yes` says what --yes does. */
export function addMutatingOptions(cmd: Command, yes = NEVER_ASKS): Command {
  return addClusterOptions(cmd)
    .option('--dry-run', 'print the helm commands and values it would apply; change nothing')
    .option('--recover', 'first clear a helm release left pending-upgrade/pending-install by an interrupted helm')
    .option('-y, --yes', yes);
}
