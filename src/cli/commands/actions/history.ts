// `helm-canary history`: the rollout record's transitions as a table, JSON or YAML.
import type { ClusterFlags } from '../../cluster-context.js';
import type { CliDeps } from '../../cli-deps.js';
import { renderHistoryText } from '../../render/history-text.js';
import { isMachineOutput, renderDocument } from '../../render/machine-output.js';
import { readHistory } from '../../../rollout/history.js';
import { withContext, type OutputFlags } from './cluster-action.js';

/** HistoryFlags are history's flags. */
export type HistoryFlags = ClusterFlags & OutputFlags;

/** runHistory is `helm-canary history`. */
export function runHistory(flags: HistoryFlags, deps: CliDeps): Promise<void> {
  return withContext(deps, flags, async (ctx) => {
    const history = await readHistory(ctx.records, ctx.spec.namespace, ctx.spec.release);
    deps.stdout.write(isMachineOutput(flags.output) ? renderDocument(history, flags.output) : `${renderHistoryText(history)}\n`);
  }, 'status');
}
