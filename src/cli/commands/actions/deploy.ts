// `helm-canary deploy --tag T`: the stable stage, then the release's status.
import type { ClusterFlags } from '../../cluster-context.js';
import type { CliDeps } from '../../cli-deps.js';
import { deploy } from '../../../rollout/deploy.js';
import { parseImageTag, rejectInputProblems } from '../../../config/command-inputs.js';
import { printStatus, withContext, type OutputFlags } from './cluster-action.js';

/** DeployFlags are deploy's flags. */
export type DeployFlags = ClusterFlags & OutputFlags & { tag: string; recover?: boolean };

/** DeployInputs are deploy's own inputs. */
export interface DeployInputs {
  /** --tag: the image tag production runs after the deploy. */
  tag: string;
}

/**
 * deployInputs checks --tag. It is never compared with image.stableTag: a deploy sets the stable
 * tag, so `image.stableTag: "83"` then `deploy --tag 83` is the README's first deploy.
 */
export function deployInputs(flags: DeployFlags, cwd = process.cwd()): DeployInputs {
  const problems: string[] = [];
  const tag = parseImageTag(flags.tag, '--tag', problems);
  rejectInputProblems(problems, flags, cwd);
  return { tag: tag! };
}

/** runDeploy is `helm-canary deploy --tag T`. */
export async function runDeploy(flags: DeployFlags, deps: CliDeps): Promise<void> {
  const { tag } = deployInputs(flags);
  await withContext(
    deps,
    flags,
    async (ctx, dryRun) => {
      await deploy(ctx, { tag, recover: flags.recover });
      await printStatus(deps, ctx, flags, dryRun);
    },
    'deploy',
  );
}
