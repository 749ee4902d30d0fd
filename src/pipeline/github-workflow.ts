// `helm-canary pipeline github`: a workflow_dispatch workflow with one job per stage, each bound
// to an environment whose required reviewers are the judgment between stages, a rollback job
// that runs when a stage fails or the run is cancelled, and a separate rollback workflow.
import { renderYaml } from './yaml-text.js';
import { GITHUB_ACTIONS, KUBELOGIN_VERSION, NODE_MAJOR } from './pinned-tools.js';
import { rollbackCommand, stageCommand, stageTitle, type PipelineInput, type PipelineStage } from './pipeline-input.js';

/**
 * GithubAuth is how a job reaches the cluster: a long-lived kubeconfig in a secret, or Azure
 * OIDC (azure/login with a federated credential, no secret to rotate) and AKS credentials.
 */
export type GithubAuth = { kind: 'kubeconfig'; secret: string } | { kind: 'azure'; resourceGroup: string; cluster: string };

/**
 * GithubInstall is how a job gets helm-canary: the pinned npm version (npm's cache kept between
 * jobs by setup-node, keyed on `cacheKeyFile`), or the project's GitHub Action at a ref.
 */
export type GithubInstall = { kind: 'npm'; cacheKeyFile: string } | { kind: 'action'; ref: string };

/** GithubOptions are the `pipeline github` flags. */
export interface GithubOptions {
  /** Environment of the stage jobs; `{stage}` becomes the stage number. */
  environment?: string;
  /** Environment of the rollback jobs (give it the same secrets and no required reviewers). */
  rollbackEnvironment?: string;
  auth?: GithubAuth;
  install?: GithubInstall;
  runsOn?: string;
  /** File name of the rollback workflow, referred to in the release workflow's comments. */
  rollbackFile?: string;
  /** Path of each workflow file from the repository root, when known: npm's cache is keyed on it. */
  releasePath?: string;
  rollbackPath?: string;
}

/** GithubWorkflows are the two files `pipeline github` writes. */
export interface GithubWorkflows {
  release: string;
  rollback: string;
}

/** The Azure names the OIDC login reads: secrets of the repository or of each environment. */
export const AZURE_LOGIN_SECRETS = { clientId: 'AZURE_CLIENT_ID', tenantId: 'AZURE_TENANT_ID', subscriptionId: 'AZURE_SUBSCRIPTION_ID' } as const;

const NEW_TAG_INPUT = 'new-tag';

type Resolved = Required<Omit<GithubOptions, 'releasePath' | 'rollbackPath'>> & Pick<GithubOptions, 'releasePath' | 'rollbackPath'>;

function defaults(input: PipelineInput, options: GithubOptions): Resolved {
  return {
    environment: options.environment ?? `canary-${input.release}`,
    rollbackEnvironment: options.rollbackEnvironment ?? `canary-${input.release}-rollback`,
    auth: options.auth ?? { kind: 'kubeconfig', secret: 'KUBECONFIG' },
    install: options.install ?? { kind: 'npm', cacheKeyFile: input.configPath },
    runsOn: options.runsOn ?? 'ubuntu-latest',
    rollbackFile: options.rollbackFile ?? `helm-canary-${input.release}-rollback.yml`,
    releasePath: options.releasePath,
    rollbackPath: options.rollbackPath,
  };
}

function environmentOf(template: string, stage: number): string {
  return template.replace(/\{stage\}/g, String(stage));
}

// Cluster access: a kubeconfig written from the secret to a file only the job can read, or an
// OIDC login to Azure and the AKS cluster's credentials (kubelogin for Entra ID clusters; on a
// cluster with local accounts the conversion leaves the kubeconfig as it is).
function accessSteps(auth: GithubAuth): Record<string, unknown>[] {
  if (auth.kind === 'kubeconfig') {
    return [
      {
        name: 'Kubernetes access',
        env: { KUBECONFIG_CONTENT: `\${{ secrets.${auth.secret} }}` },
        run: [
          'install -m 600 /dev/null "$RUNNER_TEMP/kubeconfig"',
          'printf \'%s\\n\' "$KUBECONFIG_CONTENT" > "$RUNNER_TEMP/kubeconfig"',
          'echo "KUBECONFIG=$RUNNER_TEMP/kubeconfig" >> "$GITHUB_ENV"',
        ].join('\n') + '\n',
      },
    ];
  }
  const s = AZURE_LOGIN_SECRETS;
  return [
    {
      name: 'Azure login (OIDC)',
      uses: GITHUB_ACTIONS.azureLogin,
      with: { 'client-id': `\${{ secrets.${s.clientId} }}`, 'tenant-id': `\${{ secrets.${s.tenantId} }}`, 'subscription-id': `\${{ secrets.${s.subscriptionId} }}` },
    },
    { name: 'kubelogin', uses: GITHUB_ACTIONS.useKubelogin, with: { 'kubelogin-version': KUBELOGIN_VERSION } },
    {
      name: 'Kubernetes access (AKS)',
      uses: GITHUB_ACTIONS.aksSetContext,
      with: { 'resource-group': auth.resourceGroup, 'cluster-name': auth.cluster, admin: 'false', 'use-kubelogin': 'true' },
    },
  ];
}

// The steps every job starts with: the repository (config and values files) without a token
// left in .git, helm at the pinned version, helm-canary (unless the action brings it), access.
function setupSteps(input: PipelineInput, o: Resolved, cacheKeyFile: string | undefined): Record<string, unknown>[] {
  const steps: Record<string, unknown>[] = [{ uses: GITHUB_ACTIONS.checkout, with: { 'persist-credentials': false } }];
  if (o.install.kind === 'npm') {
    steps.push({ uses: GITHUB_ACTIONS.setupNode, with: { 'node-version': NODE_MAJOR, cache: 'npm', 'cache-dependency-path': cacheKeyFile ?? o.install.cacheKeyFile } });
  }
  steps.push({ uses: GITHUB_ACTIONS.setupHelm, with: { version: input.helmVersion } });
  if (o.install.kind === 'npm') {
    // --prefer-online revalidates the package metadata with the registry, so a restored cache
    // can only save downloads, never choose what gets installed.
    steps.push({ name: 'Install helm-canary', run: 'npm install --global --prefer-online --no-audit --no-fund "helm-canary@${HELM_CANARY_VERSION}"' });
  }
  return [...steps, ...accessSteps(o.auth)];
}

/** HelmCanaryStep is one helm-canary command of a job: its argv as shell text, or as the action's inputs. */
interface HelmCanaryStep {
  name: string;
  id?: string;
  if?: string;
  run: string;
  env?: Record<string, string>;
  action: Record<string, string>;
}

function commandStep(o: Resolved, step: HelmCanaryStep): Record<string, unknown> {
  const head = { name: step.name, ...(step.id ? { id: step.id } : {}), ...(step.if ? { if: step.if } : {}) };
  if (o.install.kind === 'action') return { ...head, uses: o.install.ref, with: step.action };
  return { ...head, ...(step.env ? { env: step.env } : {}), run: step.run };
}

// After a failure the job still reports where the release is (status writes the job summary).
function statusOnFailure(input: PipelineInput, o: Resolved): Record<string, unknown> {
  return commandStep(o, {
    name: 'Status after the failure',
    if: 'failure()',
    run: `helm-canary status -f ${input.configPath}`,
    action: { command: 'status', config: input.configPath },
  });
}

function stageStep(input: PipelineInput, o: Resolved, stage: PipelineStage): Record<string, unknown> {
  const starts = stage.number === 2;
  return commandStep(o, {
    name: stageTitle(stage),
    id: 'canary',
    ...(starts ? { env: { NEW_TAG: `\${{ inputs.${NEW_TAG_INPUT} }}` } } : {}),
    run: stageCommand(input, stage.number, '$NEW_TAG'),
    // The action passes its inputs to helm-canary as arguments, never through a shell.
    action: starts
      ? { command: 'start', config: input.configPath, 'new-tag': `\${{ inputs.${NEW_TAG_INPUT} }}` }
      : { command: 'promote', config: input.configPath, stage: String(stage.number) },
  });
}

function stageJob(input: PipelineInput, o: Resolved, stage: PipelineStage, previous: string | undefined): Record<string, unknown> {
  return {
    name: stageTitle(stage),
    ...(previous ? { needs: previous } : {}),
    'runs-on': o.runsOn,
    environment: environmentOf(o.environment, stage.number),
    'timeout-minutes': 60,
    outputs: {
      stage: '${{ steps.canary.outputs.stage }}',
      phase: '${{ steps.canary.outputs.phase }}',
    },
    steps: [...setupSteps(input, o, o.releasePath), stageStep(input, o, stage), statusOnFailure(input, o)],
  };
}

function rollbackJob(input: PipelineInput, o: Resolved, needs?: string[]): Record<string, unknown> {
  const roll = commandStep(o, { name: 'Roll back', id: 'canary', run: rollbackCommand(input), action: { command: 'rollback', config: input.configPath } });
  return {
    name: 'Roll back to the stable tag',
    ...(needs ? { needs, if: "${{ always() && (contains(needs.*.result, 'failure') || contains(needs.*.result, 'cancelled')) }}" } : {}),
    'runs-on': o.runsOn,
    environment: o.rollbackEnvironment,
    'timeout-minutes': 60,
    steps: [...setupSteps(input, o, needs ? o.releasePath : o.rollbackPath), roll],
  };
}

function accessHeader(input: PipelineInput, o: Resolved): string[] {
  const who = `the release's objects, Leases and ConfigMaps in namespace ${input.namespace}.`;
  if (o.auth.kind === 'kubeconfig') {
    return [
      `Secrets: ${o.auth.secret} holds a kubeconfig file's content for the cluster (a repository`,
      'secret, or an environment secret of every environment named below). Its user needs to manage',
      who,
    ];
  }
  const s = AZURE_LOGIN_SECRETS;
  return [
    `Azure: jobs sign in with OIDC (no stored password): secrets ${s.clientId}, ${s.tenantId} and`,
    `${s.subscriptionId} name an Entra ID app or user-assigned managed identity with a federated`,
    'credential for this repository (entity type Environment, one per environment named here), then',
    `fetch the credentials of AKS cluster ${o.auth.cluster} (resource group ${o.auth.resourceGroup}).`,
    'The identity needs "Azure Kubernetes Service Cluster User Role" on the cluster and, in the',
    'cluster (Azure RBAC or a RoleBinding for it), the right to manage',
    who,
  ];
}

function header(input: PipelineInput, o: Resolved, command: string, lines: string[]): string[] {
  const installed =
    o.install.kind === 'npm'
      ? `helm-canary ${input.toolVersion} from npm (npm's cache kept by setup-node), helm ${input.helmVersion}, Node.js ${NODE_MAJOR}.`
      : `helm-canary from the action ${o.install.ref}, helm ${input.helmVersion}.`;
  return [
    `helm-canary: ${input.release} in namespace ${input.namespace}, plan ${input.plan} (${input.stages.length} stages).`,
    `Generated by \`${command}\`; regenerate it when the plan changes.`,
    '',
    ...lines,
    '',
    `Jobs install ${installed}`,
    ...accessHeader(input, o),
  ];
}

/** githubWorkflows renders the release workflow and the dispatchable rollback workflow. */
export function githubWorkflows(input: PipelineInput, options: GithubOptions = {}, command = `helm-canary pipeline github -f ${input.configPath}`): GithubWorkflows {
  const o = defaults(input, options);
  const moves = input.stages.filter((s) => s.number > 1);
  const jobs: Record<string, unknown> = {};
  let previous: string | undefined;
  for (const stage of moves) {
    const id = `stage-${stage.number}`;
    jobs[id] = stageJob(input, o, stage, previous);
    previous = id;
  }
  jobs.rollback = rollbackJob(input, o, Object.keys(jobs));
  const perStage = o.environment.includes('{stage}');
  // OIDC needs a token the job may request; nothing else is granted beyond reading the repository.
  const permissions = o.auth.kind === 'azure' ? { contents: 'read', 'id-token': 'write' } : { contents: 'read' };
  const env = o.install.kind === 'npm' ? { env: { HELM_CANARY_VERSION: input.toolVersion } } : {};
  const releaseHeader = header(input, o, command, [
    'Start it from the Actions tab (Run workflow) with the image tag to release. Each job moves the',
    'release one stage. Every job is bound to an environment: give it required reviewers',
    '(Settings > Environments) and each job waits until one of them approves; that approval is',
    'the judgment of the stage before. Rejecting it, a failed stage or cancelling the run starts',
    `the rollback job (environment ${o.rollbackEnvironment}: no reviewers, so it never waits).`,
    `To roll back by hand at any time, run ${o.rollbackFile}.`,
    perStage ? `Stage jobs use one environment per stage: ${o.environment}.` : `Stage jobs use the environment ${o.environment}.`,
  ]);
  const release = renderYaml(
    {
      name: `helm-canary: ${input.release}`,
      'run-name': `${input.release} -> \${{ inputs.${NEW_TAG_INPUT} }}`,
      on: {
        workflow_dispatch: {
          inputs: { [NEW_TAG_INPUT]: { description: 'Image tag to release', required: true, type: 'string' } },
        },
      },
      permissions,
      // One rollout of a release at a time; helm-canary's lease guards the cluster as well.
      concurrency: { group: `helm-canary-${input.namespace}-${input.release}`, 'cancel-in-progress': false },
      ...env,
      jobs,
    },
    releaseHeader,
    [
      { path: ['jobs', 'stage-2', 'environment'], text: 'required reviewers here approve each stage' },
      { path: ['jobs', 'rollback', 'if'], text: 'a stage failed, was rejected, or the run was cancelled' },
    ],
  );
  const rollbackHeader = header(input, o, command, [
    'Rolls the release back to its stable tag from any stage, in a safe order. Start it from the',
    `Actions tab. It deliberately shares no concurrency group with the release workflow, whose run`,
    'may be waiting for an approval; helm-canary\'s lease keeps two runs from moving the release at once.',
  ]);
  const rollback = renderYaml(
    {
      name: `helm-canary: roll back ${input.release}`,
      on: { workflow_dispatch: {} },
      permissions,
      ...env,
      jobs: { rollback: rollbackJob(input, o) },
    },
    rollbackHeader,
  );
  return { release, rollback };
}
