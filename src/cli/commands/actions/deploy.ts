// `helm-canary deploy --tag T`: the stable stage, then the release's status.
import type { ClusterFlags } from '../../cluster-context.js';
import type { CliDeps } from '../../cli-deps.js';
import { deploy } from '../../../rollout/deploy.js';
import { printStatus, withContext, type OutputFlags } from './cluster-action.js';

/** DeployFlags are deploy's flags. */
export type DeployFlags = ClusterFlags & OutputFlags & { tag: string; recover?: boolean };

/** runDeploy is `helm-canary deploy --tag T`. */
export function runDeploy(flags: DeployFlags, deps: CliDeps): Promise<void> {
  return withContext(deps, flags, async (ctx, tag) => {
    await deploy(ctx, { tag: tag!, recover: flags.recover });
    await printStatus(deps, ctx, flags);
  });
}
