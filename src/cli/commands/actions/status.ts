// `helm-canary status`: one release's status, or with --all every recorded release of the namespace.
import type { ClusterFlags } from '../../cluster-context.js';
import type { CliDeps } from '../../cli-deps.js';
import { toCliError } from '../../to-cli-error.js';
import { renderStatusTable } from '../../render/status-text.js';
import { isMachineOutput, renderDocument } from '../../render/machine-output.js';
import { readAllStatuses } from '../../../rollout/status-all.js';
import { printStatus, withContext, type OutputFlags } from './cluster-action.js';

/** StatusFlags are status's flags. */
export type StatusFlags = ClusterFlags & OutputFlags & { all?: boolean };

/** runStatus is `helm-canary status`, or with --all every recorded release of the namespace. */
export async function runStatus(flags: StatusFlags, deps: CliDeps): Promise<void> {
  // One release's status needs only its name and namespace, not a complete canary.yaml.
  if (!flags.all) return withContext(deps, flags, (ctx) => printStatus(deps, ctx, flags), 'status');
  try {
    const { namespace, ...reads } = await deps.connectNamespace(flags);
    const { statuses, unreadable } = await readAllStatuses(reads, namespace);
    // Listed after the table, on stderr: a corrupt record is a release the table cannot show.
    for (const bad of unreadable) deps.stderr.write(`warning: the rollout record of ${bad.release} cannot be read: ${bad.problem}\n`);
    deps.stdout.write(isMachineOutput(flags.output) ? renderDocument(statuses, flags.output) : `${renderStatusTable(statuses)}\n`);
  } catch (err) {
    throw toCliError(err);
  }
}
