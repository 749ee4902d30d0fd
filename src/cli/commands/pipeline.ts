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
    .option('--tool-version <version>', 'helm-canary version the jobs install from npm (default: this version)');
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
    .option('--kubeconfig-secret <name>', 'secret holding the kubeconfig content', 'KUBECONFIG')
    .option('--runs-on <label>', 'runner label of every job', 'ubuntu-latest')
    .addHelpText(
      'after',
      '\nWith --out FILE the dispatchable rollback workflow is written next to it (FILE-rollback.yml);\n' +
        'without, the release workflow goes to stdout.\n\nExample:\n' +
        '  helm-canary pipeline github -f canary.yaml --out .github/workflows/canary-productpage.yml\n',
    )
    .action((flags: GithubPipelineFlags) => githubPipelineAction(flags, deps));

  addCommonOptions(
    pipeline
      .command('azure')
      .description('a multi-stage pipeline (parameter newTag): a stage per rollout stage and a rollback stage'),
  )
    .addOption(new Option('--variant <variant>', 'how each stage is judged: environment approvals, or ManualValidation@0').choices(['environment', 'manual-validation']).default('environment'))
    .option('--kubeconfig-secure-file <name>', 'secure file holding the kubeconfig', 'kubeconfig')
    .option('--vm-image <image>', 'vmImage of the agent pool', 'ubuntu-latest')
    .option('--notify <users>', 'who ManualValidation@0 notifies (manual-validation variant)')
    .addHelpText('after', '\nExample:\n  helm-canary pipeline azure -f canary.yaml --out azure-pipelines/canary-productpage.yml\n')
    .action((flags: AzurePipelineFlags) => azurePipelineAction(flags, deps));
}
