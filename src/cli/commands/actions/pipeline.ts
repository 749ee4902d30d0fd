// `helm-canary pipeline github|azure`: writes a ready-to-commit release pipeline for the
// configured release and plan. The generators are imported when the command runs, so other
// commands never load them.
import { Command, Option } from 'commander';

interface PipelineFlags {
  file?: string;
  out?: string;
  environment?: string;
  rollbackEnvironment?: string;
  toolVersion?: string;
}

function addCommonOptions(cmd: Command): Command {
  return cmd
    .option('-f, --file <path>', 'config file, committed with the pipeline (default: ./canary.yaml)')
    .option('--out <file>', 'write the pipeline to this file instead of stdout')
    .option('--environment <name>', 'environment of the stage jobs; {stage} becomes the stage number (default: canary-<release>)')
    .option('--rollback-environment <name>', 'environment of the rollback job (default: canary-<release>-rollback)')
    .option('--tool-version <version>', 'helm-canary version the jobs install from npm (default: this version)');
}

/**
 * checkOneLine refuses flag values with line breaks or other control characters: they end up in
 * YAML values and comments of the generated file, where a newline starts a new key (an
 * `--environment` of "prod\n  runs-on: x" would write a runs-on of its own).
 */
async function checkOneLine(values: Record<string, string | undefined>): Promise<void> {
  const { InputError } = await import('../errors.js');
  const bad = Object.entries(values).filter(([, v]) => v !== undefined && /[\u0000-\u001f\u007f]/.test(v));
  if (bad.length) {
    throw new InputError('pipeline flags must be single-line text', bad.map(([flag, v]) => `${flag}: contains a line break or control character (got ${JSON.stringify(v)})`));
  }
}

// Loads and validates the config like every other command, then relates it to the repository
// root: the pipeline's jobs run there and pass the config file to helm-canary.
async function loadInput(flags: PipelineFlags) {
  const [{ loadConfig, DEFAULT_CONFIG_FILE }, { pipelineInput }, { packageVersion }, { InputError }] = await Promise.all([
    import('../../config/load-config.js'),
    import('../../pipeline/pipeline-input.js'),
    import('../../config/package-root.js'),
    import('../errors.js'),
  ]);
  const { existsSync } = await import('node:fs');
  // Checked before validating: without a file every field would be reported missing instead.
  if (!flags.file && !existsSync(DEFAULT_CONFIG_FILE)) throw new InputError(`a pipeline needs a config file to commit with it: write ${DEFAULT_CONFIG_FILE} or pass -f FILE`);
  const config = loadConfig({ file: flags.file });
  if (!config.source) throw new InputError(`a pipeline needs a config file to commit with it: write ${DEFAULT_CONFIG_FILE} or pass -f FILE`);
  const input = pipelineInput(config, process.cwd(), flags.toolVersion ?? packageVersion());
  if (input.configPath.startsWith('../') || input.configPath.startsWith('/')) {
    throw new InputError(`the config file ${config.source} is outside this directory`, ['run pipeline from the repository root, the directory the pipeline jobs start in']);
  }
  return input;
}

async function write(path: string, text: string): Promise<void> {
  const { mkdirSync, writeFileSync } = await import('node:fs');
  const { dirname } = await import('node:path');
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, text);
  process.stderr.write(`wrote ${path}\n`);
}

/** rollbackPath names the rollback workflow next to the release workflow: x.yml -> x-rollback.yml. */
export function rollbackPath(out: string): string {
  const match = /^(.*?)(\.ya?ml)?$/.exec(out)!;
  return `${match[1]}-rollback${match[2] ?? '.yml'}`;
}

/** registerPipelineCommand adds `pipeline github` and `pipeline azure` to the program. */
export function registerPipelineCommand(program: Command): void {
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
    .action(async (flags: PipelineFlags & { kubeconfigSecret: string; runsOn: string }) => {
      await checkOneLine({ '--environment': flags.environment, '--rollback-environment': flags.rollbackEnvironment, '--tool-version': flags.toolVersion, '--kubeconfig-secret': flags.kubeconfigSecret, '--runs-on': flags.runsOn });
      const input = await loadInput(flags);
      const { githubWorkflows } = await import('../../pipeline/github-workflow.js');
      const rollbackFile = flags.out ? rollbackPath(flags.out) : undefined;
      const { basename } = await import('node:path');
      const files = githubWorkflows(input, {
        environment: flags.environment,
        rollbackEnvironment: flags.rollbackEnvironment,
        kubeconfigSecret: flags.kubeconfigSecret,
        runsOn: flags.runsOn,
        rollbackFile: rollbackFile ? basename(rollbackFile) : undefined,
      });
      if (!flags.out || !rollbackFile) {
        process.stdout.write(files.release);
        process.stderr.write('note: the rollback workflow is written with --out FILE (next to FILE)\n');
        return;
      }
      await write(flags.out, files.release);
      await write(rollbackFile, files.rollback);
    });

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
    .action(async (flags: PipelineFlags & { variant: 'environment' | 'manual-validation'; kubeconfigSecureFile: string; vmImage: string; notify?: string }) => {
      await checkOneLine({ '--environment': flags.environment, '--rollback-environment': flags.rollbackEnvironment, '--tool-version': flags.toolVersion, '--kubeconfig-secure-file': flags.kubeconfigSecureFile, '--vm-image': flags.vmImage, '--notify': flags.notify });
      const input = await loadInput(flags);
      const { azurePipeline } = await import('../../pipeline/azure-pipeline.js');
      const text = azurePipeline(input, {
        variant: flags.variant,
        environment: flags.environment,
        rollbackEnvironment: flags.rollbackEnvironment,
        kubeconfigSecureFile: flags.kubeconfigSecureFile,
        vmImage: flags.vmImage,
        notifyUsers: flags.notify,
      });
      if (flags.out) await write(flags.out, text);
      else process.stdout.write(text);
    });
}
