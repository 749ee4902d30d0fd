// The actions, tasks and tool versions the generated pipelines use, in one place so that moving
// to a new major is one reviewed change. Each is pinned to a major (GitHub) or a task version
// (Azure) that runs on Node 24: GitHub runners stopped defaulting to Node 20 (end of life April
// 2026), and an action still on `using: node20` prints a deprecation warning on every run.
// Checked against each repository's action.yml at the tag named (`runs.using`).

/**
 * GITHUB_ACTIONS are the `uses:` references of generated GitHub workflows.
 * - actions/checkout@v7: v5 moved to node24, v6 keeps persisted credentials out of .git/config,
 *   v7 (July 2026) is the current major, `using: node24`.
 * - actions/setup-node@v7: node24 since v5; v7 (July 2026) is the current major. `cache: npm`
 *   needs `cache-dependency-path` when the repository has no lock file at its root.
 * - azure/setup-helm@v5: v5.0.0 (March 2026) moved to node24; its `version` input defaults to
 *   "latest", so the generator always passes one.
 * - azure/login@v3: v3 (August 2026) is the node24 major; OIDC with client-id/tenant-id/
 *   subscription-id and `permissions: id-token: write`.
 * - azure/aks-set-context@v5: node24; exports KUBECONFIG and, with `use-kubelogin: true`, runs
 *   `kubelogin convert-kubeconfig -l azurecli` so Entra ID (AAD) clusters use the az session.
 * - azure/use-kubelogin@v1.3: the floating `v1` tag still points at v1.2 (node20); v1.3 is the
 *   first node24 release, so the exact tag is pinned.
 */
export const GITHUB_ACTIONS = {
  checkout: 'actions/checkout@v7',
  setupNode: 'actions/setup-node@v7',
  setupHelm: 'azure/setup-helm@v5',
  azureLogin: 'azure/login@v3',
  aksSetContext: 'azure/aks-set-context@v5',
  useKubelogin: 'azure/use-kubelogin@v1.3',
} as const;

/**
 * AZURE_TASKS are the task references of generated Azure pipelines.
 * - ManualValidation@1: the current version of the task and the one with `approvers`
 *   (ManualValidation@0 has only notifyUsers, so anyone with queue permission could approve).
 * - UseNode@1: NodeTool@0 is deprecated ("Please use UseNodeV1 as a replacement").
 * - HelmInstaller@1 with an explicit helmVersionToInstall (its default is "latest").
 * - AzureCLI@2: signs in with an Azure Resource Manager service connection for the duration of
 *   the step, so the helm-canary command runs inside it. (AzureCLI@3 adds Azure DevOps
 *   connection types, which this does not need.)
 * - KubeloginInstaller@0: installs a pinned kubelogin for Entra ID (AAD) clusters.
 */
export const AZURE_TASKS = {
  manualValidation: 'ManualValidation@1',
  useNode: 'UseNode@1',
  helmInstaller: 'HelmInstaller@1',
  azureCli: 'AzureCLI@2',
  kubeloginInstaller: 'KubeloginInstaller@0',
} as const;

/** NODE_MAJOR is the Node.js line the jobs run helm-canary on (supported: 22 and 24). */
export const NODE_MAJOR = 24;

/** KUBELOGIN_VERSION is the kubelogin release the jobs install (June 2026); never "latest". */
export const KUBELOGIN_VERSION = 'v0.2.19';
