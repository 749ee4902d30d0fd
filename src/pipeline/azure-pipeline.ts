// `helm-canary pipeline azure`: a multi-stage YAML pipeline, one stage per rollout stage, the
// new tag as a runtime parameter and a rollback stage when any stage fails. Two variants for
// the judgment between stages: deployment jobs bound to an environment (approvals and checks are
// configured on the environment), or an agentless manual validation job before each move.
import { renderYaml, type NodeComment } from './yaml-text.js';
import { AZURE_TASKS, KUBELOGIN_VERSION, NODE_MAJOR } from './pinned-tools.js';
import { rollbackCommand, shellWord, stageCommand, stageTitle, type PipelineInput, type PipelineStage } from './pipeline-input.js';

/** AZURE_VARIANTS name the two ways of judging a stage. */
export const AZURE_VARIANTS = ['environment', 'manual-validation'] as const;
/** AzureVariant is one of AZURE_VARIANTS. */
export type AzureVariant = (typeof AZURE_VARIANTS)[number];

/**
 * AzureAuth is how a job reaches the cluster: a kubeconfig kept as a secure file, or an Azure
 * Resource Manager service connection (workload identity federation or a service principal)
 * that AzureCLI@2 signs in with, fetching the AKS cluster's credentials in the same step.
 */
export type AzureAuth = { kind: 'secure-file'; secureFile: string } | { kind: 'service-connection'; serviceConnection: string; resourceGroup: string; cluster: string };

/** AzureOptions are the `pipeline azure` flags. */
export interface AzureOptions {
  variant?: AzureVariant;
  /** Environment of the stage jobs (environment variant); `{stage}` becomes the stage number. */
  environment?: string;
  /** Environment of the rollback job (environment variant). */
  rollbackEnvironment?: string;
  auth?: AzureAuth;
  vmImage?: string;
  /** Who the manual validation notifies (manual-validation variant). */
  notifyUsers?: string;
  /** Who may resume or reject a manual validation; empty: anyone with queue permission. */
  approvers?: string;
  /** Minutes a judgment may wait before the run is rejected (manual-validation variant). */
  approvalTimeoutMinutes?: number;
}

const NEW_TAG_PARAMETER = 'newTag';
const STEP = 'canary';
/** The id of the job that runs helm-canary in each stage (and `rollback` in the rollback stage). */
const MOVE_JOB = 'move';

type Resolved = Required<Omit<AzureOptions, 'approvers'>> & { approvers: string };

function defaults(input: PipelineInput, options: AzureOptions): Resolved {
  return {
    variant: options.variant ?? 'environment',
    environment: options.environment ?? `canary-${input.release}`,
    rollbackEnvironment: options.rollbackEnvironment ?? `canary-${input.release}-rollback`,
    auth: options.auth ?? { kind: 'secure-file', secureFile: 'kubeconfig' },
    vmImage: options.vmImage ?? 'ubuntu-latest',
    notifyUsers: options.notifyUsers ?? '$(Build.RequestedForEmail)',
    approvers: options.approvers ?? '',
    approvalTimeoutMinutes: options.approvalTimeoutMinutes ?? 4320,
  };
}

function stageId(stage: number): string {
  return `stage_${stage}`;
}

// The helm-canary step: with a secure file, a script with KUBECONFIG pointing at it; with a
// service connection, AzureCLI@2, because its Azure sign-in lasts only as long as its own step,
// so the credentials are fetched and helm-canary runs inside it. kubelogin turns an Entra ID
// (AAD) cluster's kubeconfig into one that uses that sign-in; on a cluster with local accounts
// it leaves the kubeconfig as it is.
function commandSteps(o: Resolved, command: { displayName: string; script: string; newTag: boolean }): Record<string, unknown>[] {
  const env: Record<string, string> = {};
  if (command.newTag) env.NEW_TAG = `\${{ parameters.${NEW_TAG_PARAMETER} }}`;
  if (o.auth.kind === 'secure-file') {
    return [
      { task: 'DownloadSecureFile@1', name: 'kubeconfig', displayName: 'Kubernetes access', inputs: { secureFile: o.auth.secureFile } },
      { script: command.script, name: STEP, displayName: command.displayName, env: { KUBECONFIG: '$(kubeconfig.secureFilePath)', ...env } },
    ];
  }
  const script = [
    'set -euo pipefail',
    'export KUBECONFIG="$AGENT_TEMPDIRECTORY/kubeconfig"',
    `az aks get-credentials --resource-group ${shellWord(o.auth.resourceGroup)} --name ${shellWord(o.auth.cluster)} --file "$KUBECONFIG" --only-show-errors`,
    'kubelogin convert-kubeconfig --login azurecli --kubeconfig "$KUBECONFIG"',
    command.script,
  ].join('\n') + '\n';
  return [
    { task: AZURE_TASKS.kubeloginInstaller, displayName: 'kubelogin', inputs: { kubeloginVersion: KUBELOGIN_VERSION } },
    {
      task: AZURE_TASKS.azureCli,
      name: STEP,
      displayName: command.displayName,
      inputs: { azureSubscription: o.auth.serviceConnection, scriptType: 'bash', scriptLocation: 'inlineScript', inlineScript: script },
      ...(Object.keys(env).length ? { env } : {}),
    },
  ];
}

// The checkout is explicit: deployment jobs do not check out the repository by themselves.
function steps(input: PipelineInput, o: Resolved, command: { displayName: string; script: string; newTag: boolean }): Record<string, unknown>[] {
  return [
    { checkout: 'self' },
    { task: AZURE_TASKS.useNode, displayName: `Node.js ${NODE_MAJOR}`, inputs: { version: `${NODE_MAJOR}.x` } },
    { task: AZURE_TASKS.helmInstaller, displayName: `Helm ${input.helmVersion}`, inputs: { helmVersionToInstall: input.helmVersion } },
    { script: 'npm install --global --prefer-online --no-audit --no-fund "helm-canary@$(HELM_CANARY_VERSION)"', displayName: 'Install helm-canary' },
    ...commandSteps(o, command),
  ];
}

function deploymentJob(id: string, displayName: string, environment: string, o: Resolved, jobSteps: Record<string, unknown>[]): Record<string, unknown> {
  return {
    deployment: id,
    displayName,
    pool: { vmImage: o.vmImage },
    environment,
    timeoutInMinutes: 60,
    strategy: { runOnce: { deploy: { steps: jobSteps } } },
  };
}

function agentJob(id: string, displayName: string, o: Resolved, jobSteps: Record<string, unknown>[], dependsOn?: string): Record<string, unknown> {
  return { job: id, displayName, ...(dependsOn ? { dependsOn } : {}), pool: { vmImage: o.vmImage }, timeoutInMinutes: 60, steps: jobSteps };
}

function judgeJob(input: PipelineInput, stage: PipelineStage, o: Resolved): Record<string, unknown> {
  const before = stage.number === 2 ? `${input.release} runs its stable tag` : `stage ${stage.number - 1} is in place`;
  return {
    job: 'judge',
    displayName: `Approve ${stageTitle(stage)}`,
    pool: 'server',
    timeoutInMinutes: o.approvalTimeoutMinutes + 5,
    steps: [
      {
        task: AZURE_TASKS.manualValidation,
        timeoutInMinutes: o.approvalTimeoutMinutes,
        inputs: {
          notifyUsers: o.notifyUsers,
          // Without approvers, anyone with permission to queue the pipeline can resume it.
          ...(o.approvers ? { approvers: o.approvers } : {}),
          instructions: `${before}. Resume to move ${input.release} to ${stageTitle(stage)}; reject to roll back.`,
          onTimeout: 'reject',
        },
      },
    ],
  };
}

function stageJobs(input: PipelineInput, stage: PipelineStage, o: Resolved): Record<string, unknown>[] {
  const jobSteps = steps(input, o, { displayName: stageTitle(stage), script: stageCommand(input, stage.number, '$NEW_TAG'), newTag: stage.number === 2 });
  if (o.variant === 'environment') return [deploymentJob(MOVE_JOB, stageTitle(stage), o.environment.replace(/\{stage\}/g, String(stage.number)), o, jobSteps)];
  return [judgeJob(input, stage, o), agentJob(MOVE_JOB, stageTitle(stage), o, jobSteps, 'judge')];
}

/**
 * outputVariablePaths are the expressions that read a move's output variable `name` (e.g.
 * "stage") from a later job of the same stage and from a later stage. A runOnce deployment job
 * prefixes its outputs with the job's name, so the job is named twice:
 * dependencies.move.outputs['move.canary.stage']; an agent job's are the step's alone.
 */
export function outputVariablePaths(variant: AzureVariant, stage: number, name: string): { sameStage: string; laterStage: string } {
  const key = variant === 'environment' ? `${MOVE_JOB}.${STEP}.${name}` : `${STEP}.${name}`;
  return {
    sameStage: `dependencies.${MOVE_JOB}.outputs['${key}']`,
    laterStage: `stageDependencies.${stageId(stage)}.${MOVE_JOB}.outputs['${key}']`,
  };
}

function accessHeader(input: PipelineInput, o: Resolved): string[] {
  const who = `the release's objects, Leases and ConfigMaps in namespace ${input.namespace}.`;
  if (o.auth.kind === 'secure-file') {
    return [
      `Secure file: ${o.auth.secureFile} (Pipelines > Library > Secure files) holds a kubeconfig for`,
      `the cluster; authorize this pipeline to use it. Its user needs to manage`,
      who,
    ];
  }
  return [
    `Service connection: ${o.auth.serviceConnection} (Azure Resource Manager; workload identity federation recommended).`,
    `Each job signs in with it and fetches the credentials of AKS cluster ${o.auth.cluster} (resource group ${o.auth.resourceGroup}).`,
    'Its identity needs the "Azure Kubernetes Service Cluster User Role" on the cluster and, in the',
    'cluster, the right to manage',
    who,
  ];
}

function judgmentHeader(o: Resolved): string[] {
  if (o.variant === 'environment') {
    return [
      `Each stage is a deployment job bound to the environment ${o.environment}. Approvals and`,
      'checks are configured on the environment (Pipelines > Environments > Approvals and checks),',
      'not in this file: each stage waits for them, and that approval is the judgment of the stage',
      `before. The rollback stage uses ${o.rollbackEnvironment}: give it no approvals so it never waits.`,
    ];
  }
  return [
    'For teams without environment approvals: before each move an agentless job runs',
    `${AZURE_TASKS.manualValidation}, notifying ${o.notifyUsers}; resuming it applies the stage, rejecting it`,
    `(or ${o.approvalTimeoutMinutes} minutes without an answer) fails the stage and starts the rollback.`,
    o.approvers
      ? `Only ${o.approvers} may resume or reject.`
      : 'No approvers are named: anyone allowed to queue this pipeline can resume (regenerate with --approvers).',
  ];
}

/** azurePipeline renders the multi-stage pipeline of the chosen variant. */
export function azurePipeline(input: PipelineInput, options: AzureOptions = {}, command = `helm-canary pipeline azure -f ${input.configPath}${options.variant === 'manual-validation' ? ' --variant manual-validation' : ''}`): string {
  const o = defaults(input, options);
  const moves = input.stages.filter((s) => s.number > 1);
  const stages: Record<string, unknown>[] = moves.map((stage, i) => ({
    stage: stageId(stage.number),
    displayName: stageTitle(stage),
    dependsOn: i === 0 ? [] : stageId(moves[i - 1]!.number),
    jobs: stageJobs(input, stage, o),
  }));
  const rollbackSteps = steps(input, o, { displayName: 'Roll back', script: rollbackCommand(input), newTag: false });
  stages.push({
    stage: 'rollback',
    displayName: 'Roll back to the stable tag',
    dependsOn: moves.map((s) => stageId(s.number)),
    condition: 'or(failed(), canceled())',
    jobs: [
      o.variant === 'environment'
        ? deploymentJob('rollback', 'Roll back', o.rollbackEnvironment, o, rollbackSteps)
        : agentJob('rollback', 'Roll back', o, rollbackSteps),
    ],
  });
  const comments: NodeComment[] = [{ path: ['stages', stages.length - 1, 'condition'], text: 'a stage failed, its approval was rejected, or the run was cancelled' }];
  if (o.variant === 'environment') comments.push({ path: ['stages', 0, 'jobs', 0, 'environment'], text: 'approvals and checks are configured on this environment' });
  const example = outputVariablePaths(o.variant, 3, 'stage');
  return renderYaml(
    {
      trigger: 'none',
      pr: 'none',
      parameters: [{ name: NEW_TAG_PARAMETER, displayName: 'Image tag to release', type: 'string' }],
      variables: { HELM_CANARY_VERSION: input.toolVersion },
      // Runs of this pipeline queue one after the other; helm-canary's lease guards the cluster as well.
      lockBehavior: 'sequential',
      stages,
    },
    [
      `helm-canary: ${input.release} in namespace ${input.namespace}, plan ${input.plan} (${input.stages.length} stages).`,
      `Generated by \`${command}\`; regenerate it when the plan changes.`,
      '',
      'Run it by hand with the image tag to release (parameter newTag). Each stage moves the release',
      'one stage; the rollback stage runs when a stage fails or the run is cancelled, and returns the',
      'release to its stable tag.',
      ...judgmentHeader(o),
      '',
      `Jobs install helm-canary ${input.toolVersion} from npm, helm ${input.helmVersion} and Node.js ${NODE_MAJOR}.`,
      ...accessHeader(input, o),
      `Each move publishes output variables (${STEP}.stage, ${STEP}.phase, ${STEP}.stable_tag, ${STEP}.new_tag, ...)`,
      `and a summary of the stage. Job ${MOVE_JOB} of stage_3 publishes stage as ${example.sameStage}`,
      `to later jobs of stage_3 and as ${example.laterStage} to later stages.`,
    ],
    comments,
  );
}
