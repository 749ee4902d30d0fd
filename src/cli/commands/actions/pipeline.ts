// The work of `helm-canary pipeline github|azure`: a ready-to-commit release pipeline for the
// configured release and plan. Imported when the command runs, so other commands never load it.
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { basename, dirname, relative, sep } from 'node:path';
import { DEFAULT_CONFIG_FILE, loadConfig, type Config } from '../../../config/load-config.js';
import { packageVersion } from '../../../config/package-root.js';
import { resolveHelmBinary } from '../../../config/resolve-target.js';
import { ExecaHelmRunner } from '../../../helm/execa-helm-runner.js';
import { checkHelmVersion, parseHelmVersion, type HelmVersion } from '../../../helm/helm-version.js';
import { cachedHelmVersion } from '../../../helm/version-cache.js';
import { azurePipeline, type AzureAuth } from '../../../pipeline/azure-pipeline.js';
import { githubWorkflows, type GithubAuth, type GithubInstall } from '../../../pipeline/github-workflow.js';
import { pipelineInput, shellWord, type PipelineInput } from '../../../pipeline/pipeline-input.js';
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
  helmVersion?: string;
  aksResourceGroup?: string;
  aksCluster?: string;
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

/** FlagCheck collects every problem of a command line, so one run reports them all. */
class FlagCheck {
  readonly problems: string[] = [];
  need(ok: boolean, problem: string): void {
    if (!ok) this.problems.push(problem);
  }
  pattern(flag: string, value: string | undefined, re: RegExp, allowed: string): void {
    if (value !== undefined && !re.test(value)) this.problems.push(`${flag}: ${allowed} (got ${JSON.stringify(value)})`);
  }
  throwIfAny(): void {
    if (this.problems.length) throw new InputError('pipeline flags do not fit together', this.problems);
  }
}

const HELM_VERSION = /^v?\d+\.\d+\.\d+$/;
// Azure resource group names: letters, digits, _ - . ( ); AKS cluster names are stricter.
const RESOURCE_GROUP = /^[A-Za-z0-9_.()-]{1,90}$/;
const AKS_CLUSTER = /^[A-Za-z0-9][A-Za-z0-9_-]{0,62}$/;

function checkCommon(flags: PipelineFlags, check: FlagCheck): void {
  check.pattern('--helm-version', flags.helmVersion, HELM_VERSION, 'a helm release such as 3.17.2 or v4.1.4');
  if (flags.helmVersion && HELM_VERSION.test(flags.helmVersion)) {
    const supported = checkHelmVersion(parseHelmVersion(flags.helmVersion)!);
    if (!supported.ok) check.problems.push(`--helm-version: ${supported.reason}`);
  }
  check.pattern('--aks-resource-group', flags.aksResourceGroup, RESOURCE_GROUP, 'an Azure resource group name (letters, digits, _ - . ( ))');
  check.pattern('--aks-cluster', flags.aksCluster, AKS_CLUSTER, 'an AKS cluster name (letters, digits, _ and -)');
}

// Loads and validates the config like every other command, then relates it to the repository
// root: the pipeline's jobs run there and pass the config file to helm-canary.
function loadPipelineConfig(flags: PipelineFlags): Config {
  // Checked before validating: without a file every field would be reported missing instead.
  if (!flags.file && !existsSync(DEFAULT_CONFIG_FILE)) throw new InputError(`a pipeline needs a config file to commit with it: write ${DEFAULT_CONFIG_FILE} or pass -f FILE`);
  const config = loadConfig({ file: flags.file });
  if (!config.source) throw new InputError(`a pipeline needs a config file to commit with it: write ${DEFAULT_CONFIG_FILE} or pass -f FILE`);
  return config;
}

function versionText(v: HelmVersion): string {
  return `v${v.major}.${v.minor}.${v.patch}`;
}

// The helm the jobs install: --helm-version, else the one this machine runs for the config
// (helm.binary, $HELM_BIN or helm on PATH), so the pipeline runs the helm the team tested with.
async function helmVersionFor(flags: PipelineFlags, config: Config): Promise<string> {
  if (flags.helmVersion) return versionText(parseHelmVersion(flags.helmVersion)!);
  const binary = resolveHelmBinary({}, process.env, config.target);
  const found = await cachedHelmVersion(binary, () => new ExecaHelmRunner({ binary }).version()).catch((err: Error) => {
    throw new InputError(`cannot run helm (${binary}) to pin its version in the pipeline`, [err.message.split('\n')[0]!, 'pass --helm-version X.Y.Z, the helm release the jobs should install']);
  });
  const supported = checkHelmVersion(found);
  if (!supported.ok) throw new InputError(supported.reason, ['pass --helm-version X.Y.Z, the helm release the jobs should install']);
  return versionText(found);
}

async function loadInput(flags: PipelineFlags): Promise<PipelineInput> {
  const config = loadPipelineConfig(flags);
  if (repoPath(config.source) === undefined) {
    throw new InputError(`the config file ${config.source} is outside this directory`, ['run pipeline from the repository root, the directory the pipeline jobs start in']);
  }
  return pipelineInput(config, process.cwd(), { toolVersion: flags.toolVersion ?? packageVersion(), helmVersion: await helmVersionFor(flags, config) });
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

// A file's path from the repository root with `/`, or undefined when it lies outside it.
function repoPath(path: string | undefined): string | undefined {
  if (!path) return undefined;
  const rel = relative(process.cwd(), path).split(sep).join('/');
  return rel.startsWith('../') || rel.startsWith('/') ? undefined : rel;
}

// The command line that regenerates the file, for its header: every flag that shapes it.
function regenerateCommand(kind: 'github' | 'azure', input: PipelineInput, flags: Record<string, string | undefined>): string {
  const parts = [`helm-canary pipeline ${kind} -f ${shellWord(input.configPath)}`];
  for (const [flag, value] of Object.entries(flags)) if (value !== undefined) parts.push(`${flag} ${shellWord(value)}`);
  return parts.join(' ');
}

/** GithubPipelineFlags are `pipeline github`'s flags. */
export type GithubPipelineFlags = PipelineFlags & { auth: 'kubeconfig' | 'azure'; kubeconfigSecret?: string; runsOn: string; action?: string };

// A GitHub secret name: it is written into a ${{ secrets.NAME }} expression.
const SECRET_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
// owner/repo[/path]@ref, as a `uses:` of a public action.
const ACTION_REF = /^[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})\/[A-Za-z0-9._-]+(?:\/[A-Za-z0-9._/-]+)?@[A-Za-z0-9._/-]+$/;

function checkGithubFlags(flags: GithubPipelineFlags): void {
  checkOneLine({ '--environment': flags.environment, '--rollback-environment': flags.rollbackEnvironment, '--tool-version': flags.toolVersion, '--kubeconfig-secret': flags.kubeconfigSecret, '--runs-on': flags.runsOn, '--action': flags.action, '--helm-version': flags.helmVersion, '--aks-resource-group': flags.aksResourceGroup, '--aks-cluster': flags.aksCluster });
  const check = new FlagCheck();
  checkCommon(flags, check);
  check.pattern('--kubeconfig-secret', flags.kubeconfigSecret, SECRET_NAME, 'a secret name (letters, digits and _, not starting with a digit)');
  check.pattern('--action', flags.action, ACTION_REF, 'an action reference OWNER/REPO@REF, e.g. my-org/helm-canary@v1');
  if (flags.auth === 'azure') {
    check.need(flags.aksResourceGroup !== undefined, '--auth azure needs --aks-resource-group, the resource group of the AKS cluster');
    check.need(flags.aksCluster !== undefined, '--auth azure needs --aks-cluster, the AKS cluster name');
    check.need(flags.kubeconfigSecret === undefined, '--kubeconfig-secret is for --auth kubeconfig; --auth azure signs in with OIDC instead');
  } else {
    check.need(flags.aksResourceGroup === undefined && flags.aksCluster === undefined, '--aks-resource-group and --aks-cluster need --auth azure');
  }
  check.need(!(flags.action && flags.toolVersion), '--tool-version is the npm version the jobs install; with --action the action\'s ref chooses the version');
  check.throwIfAny();
}

/** runGithubPipeline is `helm-canary pipeline github`. */
export async function runGithubPipeline(flags: GithubPipelineFlags, out: PipelineOutput): Promise<void> {
  checkGithubFlags(flags);
  const input = await loadInput(flags);
  const rollbackFile = flags.out ? rollbackPath(flags.out) : undefined;
  const auth: GithubAuth =
    flags.auth === 'azure' ? { kind: 'azure', resourceGroup: flags.aksResourceGroup!, cluster: flags.aksCluster! } : { kind: 'kubeconfig', secret: flags.kubeconfigSecret ?? 'KUBECONFIG' };
  const install: GithubInstall = flags.action ? { kind: 'action', ref: flags.action } : { kind: 'npm', cacheKeyFile: input.configPath };
  const command = regenerateCommand('github', input, {
    '--auth': flags.auth === 'azure' ? 'azure' : undefined,
    '--aks-resource-group': flags.aksResourceGroup,
    '--aks-cluster': flags.aksCluster,
    '--kubeconfig-secret': flags.kubeconfigSecret,
    '--action': flags.action,
    '--environment': flags.environment,
    '--rollback-environment': flags.rollbackEnvironment,
    '--runs-on': flags.runsOn === 'ubuntu-latest' ? undefined : flags.runsOn,
    '--out': repoPath(flags.out),
  });
  const files = githubWorkflows(
    input,
    {
      environment: flags.environment,
      rollbackEnvironment: flags.rollbackEnvironment,
      auth,
      install,
      runsOn: flags.runsOn,
      rollbackFile: rollbackFile ? basename(rollbackFile) : undefined,
      releasePath: repoPath(flags.out),
      rollbackPath: repoPath(rollbackFile),
    },
    command,
  );
  if (!flags.out || !rollbackFile) {
    out.stdout.write(files.release);
    out.stderr.write('note: the rollback workflow is written with --out FILE (next to FILE)\n');
    return;
  }
  write(flags.out, files.release, out);
  write(rollbackFile, files.rollback, out);
}

/** AzurePipelineFlags are `pipeline azure`'s flags. */
export type AzurePipelineFlags = PipelineFlags & {
  variant: 'environment' | 'manual-validation';
  kubeconfigSecureFile?: string;
  serviceConnection?: string;
  vmImage: string;
  notify?: string;
  approvers?: string;
};

function checkAzureFlags(flags: AzurePipelineFlags): void {
  checkOneLine({ '--environment': flags.environment, '--rollback-environment': flags.rollbackEnvironment, '--tool-version': flags.toolVersion, '--kubeconfig-secure-file': flags.kubeconfigSecureFile, '--service-connection': flags.serviceConnection, '--vm-image': flags.vmImage, '--notify': flags.notify, '--approvers': flags.approvers, '--helm-version': flags.helmVersion, '--aks-resource-group': flags.aksResourceGroup, '--aks-cluster': flags.aksCluster });
  const check = new FlagCheck();
  checkCommon(flags, check);
  if (flags.serviceConnection !== undefined) {
    check.need(flags.serviceConnection.trim() !== '', '--service-connection: the name of an Azure Resource Manager service connection');
    check.need(flags.aksResourceGroup !== undefined, '--service-connection needs --aks-resource-group, the resource group of the AKS cluster');
    check.need(flags.aksCluster !== undefined, '--service-connection needs --aks-cluster, the AKS cluster name');
    check.need(flags.kubeconfigSecureFile === undefined, '--kubeconfig-secure-file and --service-connection are two ways of reaching the cluster: pass one');
  } else {
    check.need(flags.aksResourceGroup === undefined && flags.aksCluster === undefined, '--aks-resource-group and --aks-cluster need --service-connection');
  }
  if (flags.variant === 'environment') {
    check.need(flags.approvers === undefined, '--approvers is for --variant manual-validation; with environments, approvers are set on the environment (Approvals and checks)');
    check.need(flags.notify === undefined, '--notify is for --variant manual-validation; environments notify their approvers themselves');
  }
  check.throwIfAny();
}

/** runAzurePipeline is `helm-canary pipeline azure`. */
export async function runAzurePipeline(flags: AzurePipelineFlags, out: PipelineOutput): Promise<void> {
  checkAzureFlags(flags);
  const input = await loadInput(flags);
  const auth: AzureAuth =
    flags.serviceConnection !== undefined
      ? { kind: 'service-connection', serviceConnection: flags.serviceConnection, resourceGroup: flags.aksResourceGroup!, cluster: flags.aksCluster! }
      : { kind: 'secure-file', secureFile: flags.kubeconfigSecureFile ?? 'kubeconfig' };
  if (flags.variant === 'manual-validation' && !flags.approvers) {
    out.stderr.write('warning: no --approvers: anyone allowed to queue this pipeline can approve its stages; name users or groups with --approvers\n');
  }
  const command = regenerateCommand('azure', input, {
    '--variant': flags.variant === 'environment' ? undefined : flags.variant,
    '--service-connection': flags.serviceConnection,
    '--aks-resource-group': flags.aksResourceGroup,
    '--aks-cluster': flags.aksCluster,
    '--kubeconfig-secure-file': flags.kubeconfigSecureFile,
    '--approvers': flags.approvers,
    '--notify': flags.notify,
    '--environment': flags.environment,
    '--rollback-environment': flags.rollbackEnvironment,
    '--vm-image': flags.vmImage === 'ubuntu-latest' ? undefined : flags.vmImage,
    '--out': repoPath(flags.out),
  });
  const text = azurePipeline(
    input,
    {
      variant: flags.variant,
      environment: flags.environment,
      rollbackEnvironment: flags.rollbackEnvironment,
      auth,
      vmImage: flags.vmImage,
      notifyUsers: flags.notify,
      approvers: flags.approvers,
    },
    command,
  );
  if (flags.out) write(flags.out, text, out);
  else out.stdout.write(text);
}
