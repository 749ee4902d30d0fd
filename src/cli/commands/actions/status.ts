// `helm-canary status`: one release's status; with --all every recorded release of the namespace,
// with -A of every namespace; with --watch a live view until the rollout ends; with --wait-for
// until the rollout reaches a phase (for scripts).
import type { ClusterFlags } from '../../cluster-context.js';
import type { CliDeps } from '../../cli-deps.js';
import { InputError } from '../../errors.js';
import { toCliError } from '../../to-cli-error.js';
import { terminalEffects } from '../../progress.js';
import { renderStatusTable, renderStatusText } from '../../render/status-text.js';
import { isMachineOutput, renderDocument } from '../../render/machine-output.js';
import { readAllStatuses } from '../../../rollout/status-all.js';
import { readStatus, type ReleaseStatus, type StatusPhase } from '../../../rollout/status.js';
import { durationMs } from '../../../rollout/duration.js';
import { KubeApiError } from '../../../kube/kube-errors.js';
import { printStatus, withContext, type OutputFlags } from './cluster-action.js';
import { waitForPhase, watchStatus } from './status-watch.js';

/** StatusFlags are status's flags. */
export type StatusFlags = ClusterFlags &
  OutputFlags & { all?: boolean; allNamespaces?: boolean; watch?: boolean; waitFor?: StatusPhase; timeout?: string; interval?: string };

/** How many events the watch shows. */
const EVENTS_SHOWN = 5;

function duration(flag: string, text: string | undefined, fallback: string): number {
  try {
    const ms = durationMs(text ?? fallback);
    if (ms > 0) return ms;
  } catch {
    // said below
  }
  throw new InputError(`${flag}: must be a duration such as 30s, 5m or 1h30m (got ${JSON.stringify(text)})`);
}

function checkFlags(flags: StatusFlags): void {
  const many = flags.all ? '--all' : flags.allNamespaces ? '--all-namespaces' : undefined;
  const live = flags.watch ? '--watch' : flags.waitFor ? '--wait-for' : undefined;
  if (many && live) throw new InputError(`${live} follows one release; it cannot be combined with ${many}`);
  if (flags.watch && flags.waitFor) throw new InputError('--watch and --wait-for: give one of them');
  if (flags.timeout !== undefined && !flags.waitFor) throw new InputError('--timeout: only with --wait-for');
}

/** runStatus is `helm-canary status`. */
export async function runStatus(flags: StatusFlags, deps: CliDeps): Promise<void> {
  checkFlags(flags);
  const intervalMs = duration('--interval', flags.interval, '2s');
  if (flags.all || flags.allNamespaces) return printMany(flags, deps);
  // status reads only the release's name and namespace; --timeout is status's own here, not helm's.
  const target = { ...flags, timeout: undefined };
  if (flags.watch) {
    return withContext(deps, target, async (ctx, _dryRun, activity) => {
      const objects = await ctx.objects();
      await watchStatus(
        async () => {
          const [status, live, pods] = await Promise.all([readStatus(ctx), ctx.reader.readLive(ctx.spec.namespace, objects), activity?.read(ctx.spec.namespace, objects, EVENTS_SHOWN)]);
          return { status, live, activity: pods };
        },
        { out: deps.stdout, clock: ctx.clock, terminal: terminalEffects(deps.stdout, deps.env), format: flags.output ?? 'text', intervalMs },
      );
    }, 'status');
  }
  if (flags.waitFor) {
    const phase = flags.waitFor;
    const timeoutMs = duration('--timeout', flags.timeout, '10m');
    return withContext(deps, target, async (ctx) => {
      // A machine reading stdout gets one document: the status when reached, else the error's.
      const print = (status: ReleaseStatus, reached: boolean) => {
        if (isMachineOutput(flags.output)) {
          if (reached) deps.stdout.write(renderDocument(status, flags.output));
        } else deps.stdout.write(`${renderStatusText(status)}\n`);
      };
      await waitForPhase(() => readStatus(ctx), ctx.clock, { phase, timeoutMs, intervalMs, progress: (line) => deps.stderr.write(`${line}\n`), onEnd: print });
    }, 'status');
  }
  // One release's status needs only its name and namespace, not a complete canary.yaml.
  return withContext(deps, flags, (ctx) => printStatus(deps, ctx, flags), 'status');
}

// --all: every recorded release of the namespace; -A: of every namespace the user can list.
async function printMany(flags: StatusFlags, deps: CliDeps): Promise<void> {
  try {
    const { namespace, allNamespaces, ...reads } = await deps.connectNamespace(flags);
    const namespaces = flags.allNamespaces ? (allNamespaces ? (await allNamespaces()).namespaces : [namespace]) : [namespace];
    const statuses: ReleaseStatus[] = [];
    for (const ns of namespaces) {
      let listed: Awaited<ReturnType<typeof readAllStatuses>>;
      try {
        listed = await readAllStatuses(reads, ns);
      } catch (err) {
        // -A over every visible namespace: one the user may not read is skipped, and named.
        if (namespaces.length > 1 && err instanceof KubeApiError && err.code === 403) {
          deps.stderr.write(`warning: namespace ${ns} skipped: ${(err as Error).message}\n`);
          continue;
        }
        throw err;
      }
      statuses.push(...listed.statuses);
      // Listed after the table, on stderr: a corrupt record is a release the table cannot show.
      for (const bad of listed.unreadable) deps.stderr.write(`warning: the rollout record of ${flags.allNamespaces ? `${ns}/` : ''}${bad.release} cannot be read: ${bad.problem}\n`);
    }
    deps.stdout.write(isMachineOutput(flags.output) ? renderDocument(statuses, flags.output) : `${renderStatusTable(statuses, flags.allNamespaces)}\n`);
  } catch (err) {
    throw toCliError(err);
  }
}
