// `helm-canary pipeline azure`: a multi-stage YAML pipeline, one stage per rollout stage, the
// new tag as a runtime parameter and a rollback stage when any stage fails. Two variants for
// the judgment between stages: deployment jobs bound to an environment (approvals and checks are
// configured on the environment), or an agentless ManualValidation@0 job before each move.
import { renderYaml, type NodeComment } from './yaml-text.js';
import { rollbackCommand, stageCommand, stageTitle, type PipelineInput, type PipelineStage } from './pipeline-input.js';

/** AZURE_VARIANTS name the two ways of judging a stage. */
export const AZURE_VARIANTS = ['environment', 'manual-validation'] as const;
/** AzureVariant is one of AZURE_VARIANTS. */
export type AzureVariant = (typeof AZURE_VARIANTS)[number];

/** AzureOptions are the `pipeline azure` flags. */
export interface AzureOptions {
  variant?: AzureVariant;
  /** Environment of the stage jobs (environment variant); `{stage}` becomes the stage number. */
  environment?: string;
  /** Environment of the rollback job (environment variant). */
  rollbackEnvironment?: string;
  /** Secure file (Pipelines > Library) holding the kubeconfig. */
  kubeconfigSecureFile?: string;
  vmImage?: string;
  /** Who ManualValidation@0 notifies (manual-validation variant). */
  notifyUsers?: string;
  /** Minutes a judgment may wait before the run is rejected (manual-validation variant). */
  approvalTimeoutMinutes?: number;
}

const NEW_TAG_PARAMETER = 'newTag';
const STEP = 'canary';

function defaults(input: PipelineInput, options: AzureOptions): Required<AzureOptions> {
  return {
    variant: options.variant ?? 'environment',
    environment: options.environment ?? `canary-${input.release}`,
    rollbackEnvironment: options.rollbackEnvironment ?? `canary-${input.release}-rollback`,
    kubeconfigSecureFile: options.kubeconfigSecureFile ?? 'kubeconfig',
    vmImage: options.vmImage ?? 'ubuntu-latest',
    notifyUsers: options.notifyUsers ?? '$(Build.RequestedForEmail)',
    approvalTimeoutMinutes: options.approvalTimeoutMinutes ?? 4320,
  };
}

function stageId(stage: number): string {
  return `stage_${stage}`;
}

// The checkout is explicit: deployment jobs do not check out the repository by themselves.
function steps(o: Required<AzureOptions>, command: { displayName: string; script: string; newTag: boolean }): Record<string, unknown>[] {
  const env: Record<string, string> = { KUBECONFIG: '$(kubeconfig.secureFilePath)' };
  if (command.newTag) env.NEW_TAG = `\${{ parameters.${NEW_TAG_PARAMETER} }}`;
  return [
    { checkout: 'self' },
    { task: 'NodeTool@0', displayName: 'Node.js 20', inputs: { versionSpec: '20.x' } },
    { task: 'HelmInstaller@1', displayName: 'Helm', inputs: { helmVersionToInstall: 'latest' } },
    { script: 'npm install --global "helm-canary@$(HELM_CANARY_VERSION)"', displayName: 'Install helm-canary' },
    { task: 'DownloadSecureFile@1', name: 'kubeconfig', displayName: 'Kubernetes access', inputs: { secureFile: o.kubeconfigSecureFile } },
    { script: command.script, name: STEP, displayName: command.displayName, env },
  ];
}

function deploymentJob(id: string, displayName: string, environment: string, o: Required<AzureOptions>, jobSteps: Record<string, unknown>[]): Record<string, unknown> {
  return {
    deployment: id,
    displayName,
    pool: { vmImage: o.vmImage },
    environment,
    timeoutInMinutes: 60,
    strategy: { runOnce: { deploy: { steps: jobSteps } } },
  };
}

function agentJob(id: string, displayName: string, o: Required<AzureOptions>, jobSteps: Record<string, unknown>[], dependsOn?: string): Record<string, unknown> {
  return { job: id, displayName, ...(dependsOn ? { dependsOn } : {}), pool: { vmImage: o.vmImage }, timeoutInMinutes: 60, steps: jobSteps };
}

function judgeJob(input: PipelineInput, stage: PipelineStage, o: Required<AzureOptions>): Record<string, unknown> {
  const before = stage.number === 2 ? `${input.release} runs its stable tag` : `stage ${stage.number - 1} is in place`;
  return {
    job: 'judge',
    displayName: `Approve ${stageTitle(stage)}`,
    pool: 'server',
    timeoutInMinutes: o.approvalTimeoutMinutes + 5,
    steps: [
      {
        task: 'ManualValidation@0',
        timeoutInMinutes: o.approvalTimeoutMinutes,
        inputs: {
          notifyUsers: o.notifyUsers,
          instructions: `${before}. Resume to move ${input.release} to ${stageTitle(stage)}; reject to roll back.`,
          onTimeout: 'reject',
        },
      },
    ],
  };
}

function stageJobs(input: PipelineInput, stage: PipelineStage, o: Required<AzureOptions>): Record<string, unknown>[] {
  const jobSteps = steps(o, { displayName: stageTitle(stage), script: stageCommand(input, stage.number, '$NEW_TAG'), newTag: stage.number === 2 });
  if (o.variant === 'environment') return [deploymentJob('move', stageTitle(stage), o.environment.replace(/\{stage\}/g, String(stage.number)), o, jobSteps)];
  return [judgeJob(input, stage, o), agentJob('move', stageTitle(stage), o, jobSteps, 'judge')];
}

/** azurePipeline renders the multi-stage pipeline of the chosen variant. */
export function azurePipeline(input: PipelineInput, options: AzureOptions = {}): string {
  const o = defaults(input, options);
  const moves = input.stages.filter((s) => s.number > 1);
  const stages: Record<string, unknown>[] = moves.map((stage, i) => ({
    stage: stageId(stage.number),
    displayName: stageTitle(stage),
    dependsOn: i === 0 ? [] : stageId(moves[i - 1]!.number),
    jobs: stageJobs(input, stage, o),
  }));
  const rollbackSteps = steps(o, { displayName: 'Roll back', script: rollbackCommand(input), newTag: false });
  stages.push({
    stage: 'rollback',
    displayName: 'Roll back to the stable tag',
    dependsOn: moves.map((s) => stageId(s.number)),
    condition: 'failed()',
    jobs: [
      o.variant === 'environment'
        ? deploymentJob('rollback', 'Roll back', o.rollbackEnvironment, o, rollbackSteps)
        : agentJob('rollback', 'Roll back', o, rollbackSteps),
    ],
  });
  const judgment =
    o.variant === 'environment'
      ? [
          `Each stage is a deployment job bound to the environment ${o.environment}. Approvals and`,
          'checks are configured on the environment (Pipelines > Environments > Approvals and checks),',
          'not in this file: each stage waits for them, and that approval is the judgment of the stage',
          `before. The rollback stage uses ${o.rollbackEnvironment}: give it no approvals so it never waits.`,
        ]
      : [
          'For teams without environment approvals: before each move an agentless job runs',
          `ManualValidation@0, notifying ${o.notifyUsers}; resuming it applies the stage, rejecting it`,
          `(or ${o.approvalTimeoutMinutes} minutes without an answer) fails the stage and starts the rollback.`,
        ];
  const comments: NodeComment[] = [{ path: ['stages', stages.length - 1, 'condition'], text: 'a stage failed or its approval was rejected' }];
  if (o.variant === 'environment') comments.push({ path: ['stages', 0, 'jobs', 0, 'environment'], text: 'approvals and checks are configured on this environment' });
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
      `Generated by \`helm-canary pipeline azure -f ${input.configPath}${o.variant === 'environment' ? '' : ' --variant manual-validation'}\`; regenerate it when the plan changes.`,
      '',
      'Run it by hand with the image tag to release (parameter newTag). Each stage moves the release',
      'one stage; the rollback stage runs when a stage fails and returns the release to its stable tag.',
      ...judgment,
      '',
      `Secure file: ${o.kubeconfigSecureFile} (Pipelines > Library > Secure files) holds a kubeconfig for`,
      `the cluster; authorize this pipeline to use it. Its user needs to manage the release's objects,`,
      `Leases and ConfigMaps in namespace ${input.namespace}. Each move publishes output variables`,
      `(${STEP}.stage, ${STEP}.phase, ${STEP}.stable_tag, ${STEP}.new_tag, ...) and a summary of the stage.`,
    ],
    comments,
  );
}
