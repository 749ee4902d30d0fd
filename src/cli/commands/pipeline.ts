// `helm-canary pipeline github|azure`: registration only. The generators are imported when the
// command runs, so other commands never load them.
import { Option, type Command } from 'commander';
import type { AzurePipelineFlags, GithubPipelineFlags } from './actions/pipeline.js';
import type { CliDeps } from '../cli-deps.js';

function addCommonOptions(cmd: Command): Command {
  return cmd
    .option('-f, --file <path>', 'config file, committed with the pipeline (default: ./canary.yaml)')
    .option('--out <file>', 'write the pipeline to this file instead of stdout')
    .option('--environment <name>', 'environment of the stage jobs; {stage} becomes the stage number (default: canary-<release>)')
    .option('--rollback-environment <name>', 'environment of the rollback job (default: canary-<release>-rollback)')
    .option('--tool-version <version>', 'helm-canary version the jobs install from npm (default: this version)')
    .option('--helm-version <version>', 'helm release the jobs install, e.g. 3.17.2 (default: the version of the helm this machine runs: helm.binary, $HELM_BIN or helm on PATH)')
    .option('--aks-resource-group <name>', 'resource group of the AKS cluster (with GitHub --auth azure or Azure --service-connection)')
    .option('--aks-cluster <name>', 'name of the AKS cluster (with GitHub --auth azure or Azure --service-connection)');
}

/** githubPipelineAction writes the GitHub Actions workflows. */
export async function githubPipelineAction(flags: GithubPipelineFlags, deps: CliDeps): Promise<void> {
  await (await import('./actions/pipeline.js')).runGithubPipeline(flags, deps);
}

/** azurePipelineAction writes the Azure DevOps pipeline. */
export async function azurePipelineAction(flags: AzurePipelineFlags, deps: CliDeps): Promise<void> {
  await (await import('./actions/pipeline.js')).runAzurePipeline(flags, deps);
}

/** registerPipeline adds `pipeline github` and `pipeline azure` to the program. */
export function registerPipeline(program: Command, deps: CliDeps): void {
  const pipeline = program
    .command('pipeline')
    .description('write a release pipeline (GitHub Actions or Azure DevOps) with a job per stage and approvals between them');

  addCommonOptions(
    pipeline
      .command('github')
      .description('a workflow_dispatch workflow (input new-tag): a job per stage bound to an environment, and rollback workflows'),
  )
    .addOption(new Option('--auth <kind>', 'how jobs reach the cluster: a kubeconfig secret, or Azure OIDC login and AKS credentials').choices(['kubeconfig', 'azure']).default('kubeconfig'))
    .option('--kubeconfig-secret <name>', 'secret holding the kubeconfig content, with --auth kubeconfig (default: KUBECONFIG)')
    .option('--action <owner/repo@ref>', "run helm-canary through its GitHub Action at this ref instead of installing it from npm")
    .option('--runs-on <label>', 'runner label of every job', 'ubuntu-latest')
    .addHelpText(
      'after',
      '\nWith --out FILE the dispatchable rollback workflow is written next to it (FILE-rollback.yml);\n' +
        'without, the release workflow goes to stdout.\n\n' +
        'Every job checks out the repository without keeping its token, installs the helm release of\n' +
        '--helm-version and helm-canary at --tool-version from npm on Node.js 24 (npm\'s cache kept between\n' +
        'jobs), or uses --action OWNER/helm-canary@REF instead of npm.\n\n' +
        'Cluster access (--auth):\n' +
        '  kubeconfig  a kubeconfig file\'s content in the secret --kubeconfig-secret (default KUBECONFIG)\n' +
        '  azure       azure/login with OIDC (secrets AZURE_CLIENT_ID, AZURE_TENANT_ID, AZURE_SUBSCRIPTION_ID;\n' +
        '              the workflow gets permissions id-token: write), then the AKS credentials of\n' +
        '              --aks-cluster in --aks-resource-group, converted by kubelogin for Entra ID clusters\n\n' +
        'Flags that do not fit together (e.g. --auth azure without --aks-cluster, --action with\n' +
        '--tool-version) exit 2 before anything is written.\n\nExamples:\n' +
        '  helm-canary pipeline github -f canary.yaml --out .github/workflows/canary-productpage.yml\n' +
        '  helm-canary pipeline github -f canary.yaml --auth azure --aks-resource-group rg-shop --aks-cluster aks-shop \\\n' +
        '    --out .github/workflows/canary-productpage.yml\n',
    )
    .action((flags: GithubPipelineFlags) => githubPipelineAction(flags, deps));

  addCommonOptions(
    pipeline
      .command('azure')
      .description('a multi-stage pipeline (parameter newTag): a stage per rollout stage and a rollback stage'),
  )
    .addOption(new Option('--variant <variant>', 'how each stage is judged: environment approvals, or a ManualValidation@1 job').choices(['environment', 'manual-validation']).default('environment'))
    .option('--approvers <list>', 'users or groups (comma-separated) who may approve a stage (manual-validation variant)')
    .option('--notify <users>', 'who the manual validation notifies (manual-validation variant; default: who queued the run)')
    .option('--kubeconfig-secure-file <name>', 'secure file holding the kubeconfig (default: kubeconfig)')
    .option('--service-connection <name>', 'Azure Resource Manager service connection: jobs fetch the AKS credentials instead of a secure file')
    .option('--vm-image <image>', 'vmImage of the agent pool', 'ubuntu-latest')
    .addHelpText(
      'after',
      '\nEvery job installs Node.js 24 (UseNode@1), the helm release of --helm-version (HelmInstaller@1) and\n' +
        'helm-canary at --tool-version from npm. The rollback stage runs when a stage fails, an approval is\n' +
        'rejected or the run is cancelled.\n\n' +
        'Judgment (--variant):\n' +
        '  environment        deployment jobs bound to --environment; approvals are configured on it\n' +
        '  manual-validation  a ManualValidation@1 job before each move; name --approvers, or anyone\n' +
        '                     allowed to queue the pipeline can approve (a warning says so)\n\n' +
        'Cluster access:\n' +
        '  --kubeconfig-secure-file NAME   a kubeconfig in Pipelines > Library > Secure files (default)\n' +
        '  --service-connection NAME --aks-resource-group RG --aks-cluster NAME\n' +
        '                                  AzureCLI@2 signs in with the service connection and runs\n' +
        '                                  az aks get-credentials (kubelogin for Entra ID clusters)\n\n' +
        'Flags that do not fit together (e.g. --approvers with --variant environment, --service-connection\n' +
        'with --kubeconfig-secure-file) exit 2 before anything is written.\n\nExamples:\n' +
        '  helm-canary pipeline azure -f canary.yaml --out azure-pipelines/canary-productpage.yml\n' +
        '  helm-canary pipeline azure -f canary.yaml --variant manual-validation --approvers alice@contoso.com,bob@contoso.com \\\n' +
        '    --service-connection shop-prod --aks-resource-group rg-shop --aks-cluster aks-shop\n',
    )
    .action((flags: AzurePipelineFlags) => azurePipelineAction(flags, deps));
}
