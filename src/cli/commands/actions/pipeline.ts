// The work of `helm-canary pipeline github|azure`: a ready-to-commit release pipeline for the
// configured release and plan. Imported when the command runs, so other commands never load it.
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { basename, dirname } from 'node:path';
import { DEFAULT_CONFIG_FILE, loadConfig } from '../../../config/load-config.js';
import { packageVersion } from '../../../config/package-root.js';
import { azurePipeline } from '../../../pipeline/azure-pipeline.js';
import { githubWorkflows } from '../../../pipeline/github-workflow.js';
import { pipelineInput } from '../../../pipeline/pipeline-input.js';
import { InputError } from '../../errors.js';
import type { CliDeps } from '../../cli-deps.js';

/** PipelineOutput is where a pipeline goes without --out (stdout) and the notes about files (stderr). */
type PipelineOutput = Pick<CliDeps, 'stdout' | 'stderr'>;

/** PipelineFlags are the flags both pipeline generators take. */
export interface PipelineFlags {
  file?: string;
  out?: string;
  environment?: string;
  rollbackEnvironment?: string;
  toolVersion?: string;
}

/**
 * checkOneLine refuses flag values with line breaks or other control characters: they end up in
 * YAML values and comments of the generated file, where a newline starts a new key (an
 * `--environment` of "prod\n  runs-on: x" would write a runs-on of its own).
 */
function checkOneLine(values: Record<string, string | undefined>): void {
  const bad = Object.entries(values).filter(([, v]) => v !== undefined && /[\u0000-\u001f\u007f]/.test(v));
  if (bad.length) {
    throw new InputError('pipeline flags must be single-line text', bad.map(([flag, v]) => `${flag}: contains a line break or control character (got ${JSON.stringify(v)})`));
  }
}

// Loads and validates the config like every other command, then relates it to the repository
// root: the pipeline's jobs run there and pass the config file to helm-canary.
function loadInput(flags: PipelineFlags) {
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

function write(path: string, text: string, out: PipelineOutput): void {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, text);
  out.stderr.write(`wrote ${path}\n`);
}

/** rollbackPath names the rollback workflow next to the release workflow: x.yml -> x-rollback.yml. */
export function rollbackPath(out: string): string {
  const match = /^(.*?)(\.ya?ml)?$/.exec(out)!;
  return `${match[1]}-rollback${match[2] ?? '.yml'}`;
}

/** GithubPipelineFlags are `pipeline github`'s flags. */
export type GithubPipelineFlags = PipelineFlags & { kubeconfigSecret: string; runsOn: string };

/** runGithubPipeline is `helm-canary pipeline github`. */
export function runGithubPipeline(flags: GithubPipelineFlags, out: PipelineOutput): void {
  checkOneLine({ '--environment': flags.environment, '--rollback-environment': flags.rollbackEnvironment, '--tool-version': flags.toolVersion, '--kubeconfig-secret': flags.kubeconfigSecret, '--runs-on': flags.runsOn });
  const input = loadInput(flags);
  const rollbackFile = flags.out ? rollbackPath(flags.out) : undefined;
  const files = githubWorkflows(input, {
    environment: flags.environment,
    rollbackEnvironment: flags.rollbackEnvironment,
    kubeconfigSecret: flags.kubeconfigSecret,
    runsOn: flags.runsOn,
    rollbackFile: rollbackFile ? basename(rollbackFile) : undefined,
  });
  if (!flags.out || !rollbackFile) {
    out.stdout.write(files.release);
    out.stderr.write('note: the rollback workflow is written with --out FILE (next to FILE)\n');
    return;
  }
  write(flags.out, files.release, out);
  write(rollbackFile, files.rollback, out);
}

/** AzurePipelineFlags are `pipeline azure`'s flags. */
export type AzurePipelineFlags = PipelineFlags & { variant: 'environment' | 'manual-validation'; kubeconfigSecureFile: string; vmImage: string; notify?: string };

/** runAzurePipeline is `helm-canary pipeline azure`. */
export function runAzurePipeline(flags: AzurePipelineFlags, out: PipelineOutput): void {
  checkOneLine({ '--environment': flags.environment, '--rollback-environment': flags.rollbackEnvironment, '--tool-version': flags.toolVersion, '--kubeconfig-secure-file': flags.kubeconfigSecureFile, '--vm-image': flags.vmImage, '--notify': flags.notify });
  const input = loadInput(flags);
  const text = azurePipeline(input, {
    variant: flags.variant,
    environment: flags.environment,
    rollbackEnvironment: flags.rollbackEnvironment,
    kubeconfigSecureFile: flags.kubeconfigSecureFile,
    vmImage: flags.vmImage,
    notifyUsers: flags.notify,
  });
  if (flags.out) write(flags.out, text, out);
  else out.stdout.write(text);
}
