// The runner's HelmReleases port over a HelmRunner, for one release: helm's "release not found"
// becomes undefined, and failures that mean "cannot reach" or "stuck" become helm's typed refusals
// (helm-refusals.ts). Other failures stay HelmErrors (the runner reports them as a failed stage).
import { wasDeployed } from '../rollout/helm-revision-status.js';
import type { HelmReleases, HelmReleaseStatus, HelmRevisionValues, UpgradeOptions } from '../rollout/ports.js';
import { HelmError } from './helm-error.js';
import { withRefusalsTyped } from './helm-refusals.js';
import type { HelmRunner } from './helm-runner.js';

async function orUndefinedWhenMissing<T>(call: Promise<T>): Promise<T | undefined> {
  try {
    return await call;
  } catch (err) {
    if (err instanceof HelmError && err.kind === 'release-not-found') return undefined;
    throw withRefusalsTyped(err);
  }
}

/** MAX_REVISIONS is how many of the newest revisions revisions() reads (`helm upgrade` keeps 10 unless --history-max says otherwise). */
export const MAX_REVISIONS = 20;

/** REVISION_READS_IN_PARALLEL bounds the `helm get values` processes revisions() runs at once. */
export const REVISION_READS_IN_PARALLEL = 4;

function hasFlag(argv: readonly string[], flag: string): boolean {
  return argv.some((arg) => arg === flag || arg.startsWith(`${flag}=`));
}

// The value of a string flag as helm's flag parser reads it (the last one wins).
function flagValue(argv: readonly string[], flag: string): string | undefined {
  let value: string | undefined;
  argv.forEach((arg, i) => {
    if (arg === flag) value = argv[i + 1];
    else if (arg.startsWith(`${flag}=`)) value = arg.slice(flag.length + 1);
  });
  return value;
}

/**
 * ownershipArgv adds what an upgrade needs to take back fields another field manager changed
 * (a `kubectl edit`). Helm 3's client-side three-way merge takes them back by itself. Helm 4 with
 * server-side apply refuses with a conflict unless given --force-conflicts; but helm 4 applying
 * client-side (`--server-side false`, or `auto` on a release whose latest revision was applied
 * client-side, e.g. one installed by helm 3) rejects --force-conflicts ("forceConflicts enabled
 * when serverSideApply disabled") and, like helm 3, needs nothing.
 */
async function ownershipArgv(runner: HelmRunner, release: string, namespace: string, argv: string[], options: UpgradeOptions): Promise<string[]> {
  if (!options.takeOwnership || hasFlag(argv, '--force-conflicts')) return argv;
  if ((await runner.version()).major < 4) return argv;
  const serverSide = flagValue(argv, '--server-side') ?? 'auto';
  if (serverSide === 'false') return argv;
  if (serverSide !== 'true') {
    // auto: helm applies the way the latest revision was applied; a first install applies server-side.
    const latest = await orUndefinedWhenMissing(runner.getMetadata(release, namespace));
    if (latest && latest.applyMethod !== 'ssa') return argv;
  }
  return [...argv, '--force-conflicts'];
}

// Runs `work` over `items` with at most `limit` at a time; results keep the items' order.
async function mapLimit<T, R>(items: readonly T[], limit: number, work: (item: T) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      results[i] = await work(items[i]!);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}

/** helmReleases binds a HelmRunner to one release and namespace. */
export function helmReleases(runner: HelmRunner, release: string, namespace: string, timeout: string): HelmReleases {
  return {
    async upgrade(argv, options = {}) {
      try {
        await runner.upgrade(await ownershipArgv(runner, release, namespace, argv, options));
      } catch (err) {
        throw withRefusalsTyped(err);
      }
    },
    values: () => orUndefinedWhenMissing(runner.getValues(release, namespace)),
    async manifest() {
      try {
        return await runner.getManifest(release, namespace);
      } catch (err) {
        throw withRefusalsTyped(err);
      }
    },
    async status(): Promise<HelmReleaseStatus | undefined> {
      const s = await orUndefinedWhenMissing(runner.status(release, namespace));
      return s && { status: s.status, revision: s.revision };
    },
    async lastDeployedRevision() {
      const history = (await orUndefinedWhenMissing(runner.history(release, namespace))) ?? [];
      const deployed = history.filter((h) => wasDeployed(h.status));
      return deployed.at(-1)?.revision;
    },
    async rollbackTo(revision) {
      try {
        await runner.rollback(release, namespace, revision, { timeout });
      } catch (err) {
        throw withRefusalsTyped(err);
      }
    },
    async revisions(): Promise<HelmRevisionValues[]> {
      const history = (await orUndefinedWhenMissing(runner.history(release, namespace))) ?? [];
      const newest = [...history].sort((a, b) => b.revision - a.revision).slice(0, MAX_REVISIONS);
      const read = await mapLimit(newest, REVISION_READS_IN_PARALLEL, async (entry): Promise<HelmRevisionValues | undefined> => {
        // A revision pruned (--history-max) by an upgrade since `helm history` is "not found": skip it.
        const values = await orUndefinedWhenMissing(runner.getValues(release, namespace, { revision: entry.revision }));
        return values && { revision: entry.revision, status: entry.status, values, description: entry.description };
      });
      return read.filter((r): r is HelmRevisionValues => r !== undefined);
    },
  };
}
