// `helm-canary detach`: leaves overlay mode; prints what the release runs afterwards.
import { stringify } from 'yaml';
import type { ClusterFlags } from '../../cluster-context.js';
import type { CliDeps } from '../../cli-deps.js';
import { detach } from '../../../rollout/detach.js';
import { withContext, type OutputFlags } from './cluster-action.js';

/** DetachFlags are detach's flags. */
export type DetachFlags = ClusterFlags & OutputFlags;

/** runDetach is `helm-canary detach`. */
export async function runDetach(flags: DetachFlags, deps: CliDeps): Promise<void> {
  await withContext(
    deps,
    flags,
    async (ctx) => {
      const { tag } = await detach(ctx);
      if (flags.output !== 'json' && flags.output !== 'yaml') return;
      const result = { release: ctx.spec.release, namespace: ctx.spec.namespace, detached: true, changed: tag !== undefined, image: tag === undefined ? null : `${ctx.spec.repository}:${tag}` };
      deps.stdout.write(`${flags.output === 'json' ? JSON.stringify(result, null, 2) : stringify(result).trimEnd()}\n`);
    },
    'rollout',
  );
}
