// Which CI system runs us, from the environment variables each one documents. Everything
// CI-aware (log groups, annotations, step outputs, never prompting) asks here.

/** CiKind names the CI systems whose log commands helm-canary speaks. */
export type CiKind = 'github' | 'azure';

/** detectCi tells GitHub Actions (GITHUB_ACTIONS=true) or Azure Pipelines (TF_BUILD=True) apart. */
export function detectCi(env: NodeJS.ProcessEnv = process.env): CiKind | undefined {
  if (env.GITHUB_ACTIONS === 'true') return 'github';
  // Azure sets TF_BUILD=True; compare without case, as some agents are seen to print "true".
  if (env.TF_BUILD?.toLowerCase() === 'true') return 'azure';
  return undefined;
}

/** isCi is true in any CI (the generic CI variable too): there is nobody to answer a prompt. */
export function isCi(env: NodeJS.ProcessEnv = process.env): boolean {
  if (detectCi(env)) return true;
  const ci = env.CI?.toLowerCase();
  return ci !== undefined && ci !== '' && ci !== 'false' && ci !== '0';
}
