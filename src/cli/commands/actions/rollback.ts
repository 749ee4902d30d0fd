// `helm-canary rollback`: back to the stable tag from any stage.
import type { ClusterFlags } from '../../cluster-context.js';
import type { CliDeps } from '../../cli-deps.js';
import { rollback } from '../../../rollout/rollback.js';
import { printStatus, withContext, type OutputFlags } from './cluster-action.js';
import { isMachineOutput, renderDocument } from '../../render/machine-output.js';

/** RollbackFlags are rollback's flags. */
export type RollbackFlags = ClusterFlags & OutputFlags & { recover?: boolean };

/** runRollback is `helm-canary rollback`. */
export function runRollback(flags: RollbackFlags, deps: CliDeps): Promise<void> {
  return withContext(deps, flags, async (ctx, dryRun) => {
    const rolled = await rollback(ctx, { recover: flags.recover });
    // A pipeline's rollback job for a release that was never installed: no status to show.
    if (rolled === undefined && (await ctx.helm.status()) === undefined) {
      if (isMachineOutput(flags.output)) deps.stdout.write(renderDocument({ release: ctx.spec.release, namespace: ctx.spec.namespace, installed: false, rolledBack: false }, flags.output));
      return;
    }
    await printStatus(deps, ctx, flags, dryRun);
  });
}
