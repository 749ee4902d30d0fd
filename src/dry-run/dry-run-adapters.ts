// A dry run is the same runner over adapters that cannot write: helm upgrades and rollbacks are
// recorded instead of run, the rollout record is kept in memory, no lease is taken, and the
// cluster as read afterwards shows what the recorded applies would have set (pods ready), so the
// runner goes through every stage it would apply, without waiting, and changes nothing.
// Picked in the wiring; the runner has no dry-run branch of its own.
import { readChartValues, ROLES, type StageValues, type ValuePaths } from '../engine/index.js';
import type { RunnerContext } from '../rollout/context.js';
import type { Clock, ClusterReader, DeploymentState, HelmReleases, LiveState, ReleaseLock, ReleaseObjects, RecordStore, Reporter, StoredRecord, ValuesFiles } from '../rollout/ports.js';

/** WouldApply is one helm upgrade a dry run would run, as data (`--dry-run -o json`). */
export interface WouldApply {
  /** The step, as progress lines name it: "stage 5 (production updated): production tag 1.0 -> 2.0". */
  title: string;
  /** What helm would keep with the revision (names the rollout's tags, the stage and step). */
  description?: string;
  /** helm's argv, the values file named as it would be written. */
  helm: string[];
  valuesFile: string;
  /** The generated values file's content. */
  values: unknown;
  /**
   * needsPostRenderer: overlay mode; helm-canary runs this helm with its overlay post-renderer.
   * The argv alone, run by hand, would apply the chart without the canary, DestinationRule and
   * VirtualService (and so delete them).
   */
  needsPostRenderer?: true;
}

/** DryRunPorts are the ports a dry run swaps. */
export type DryRunPorts = Pick<RunnerContext, 'helm' | 'records' | 'lock' | 'reader' | 'values' | 'clock'>;

/** DryRun is a dry run's adapters and what they recorded. */
export interface DryRun {
  ports: DryRunPorts;
  /** The upgrades that would have run, in order. */
  wouldApply: WouldApply[];
}

// The live state the recorded applies would leave: every value set, every pod ready.
function liveOf(values: StageValues, objects: ReleaseObjects, real: LiveState): LiveState {
  const deployment = (role: (typeof ROLES)[number]): DeploymentState => {
    const v = values[role];
    const image = `${v.repository}:${v.tag}`;
    return { name: objects[role], image, repository: v.repository, tag: v.tag, desired: v.replicas, ready: v.replicas, updated: v.replicas, available: v.replicas, settled: true };
  };
  const weights: Record<string, number> = { ...(real.traffic?.weights ?? {}) };
  for (const role of ROLES) weights[objects.subsets[role]] = values[role].weight;
  return {
    production: deployment('production'),
    canary: deployment('canary'),
    traffic: { virtualService: objects.virtualService, weights, destinationRule: objects.destinationRule, subsets: Object.values(objects.subsets) },
  };
}

/**
 * dryRunAdapters wraps the real ports: reads go to the cluster until an apply is recorded, then
 * show what it would have set. `reporter` gets a "would" line for each recorded change.
 */
export function dryRunAdapters(real: DryRunPorts, valuePaths: ValuePaths, reporter: Reporter): DryRun {
  const wouldApply: WouldApply[] = [];
  let applied: StageValues | undefined;
  let written: StoredRecord | undefined;
  let lastFile: { name: string; values: unknown } | undefined;
  let skippedMs = 0;
  const helm: HelmReleases = {
    // Reads go to helm as they are (methods, not a spread: adapters may be class instances).
    values: () => real.helm.values(),
    manifest: () => real.helm.manifest(),
    status: () => real.helm.status(),
    lastDeployedRevision: () => real.helm.lastDeployedRevision(),
    revisions: () => real.helm.revisions(),
    async upgrade(argv, options = {}) {
      const at = argv.indexOf('--description');
      const file = lastFile && argv.includes(lastFile.name) ? lastFile : undefined;
      const description = at >= 0 ? argv[at + 1] : undefined;
      const title = (description ?? 'helm upgrade').replace(/^helm-canary (\S+ -> \S+: )?/, '');
      const apply: WouldApply = { title, description, helm: argv, valuesFile: file?.name ?? '', values: file?.values, ...(options.overlayValuesFile ? { needsPostRenderer: true as const } : {}) };
      wouldApply.push(apply);
      reporter.info(`[dry run] would apply ${title}`);
      const read = file ? readChartValues(file.values, valuePaths) : undefined;
      if (read && 'values' in read) applied = read.values;
    },
    async rollbackTo(revision) {
      reporter.info(`[dry run] would clear the pending release: helm rollback to revision ${revision}`);
    },
  };
  const records: RecordStore = {
    read: async (namespace, release) => written ?? real.records.read(namespace, release),
    async write(record, version) {
      written = { record, version: version ?? 'dry-run' };
      return written.version;
    },
    list: (namespace) => real.records.list(namespace),
  };
  const lock: ReleaseLock = {
    // No lease is written; who holds one is still told (status reads it).
    acquire: async (_namespace, _release, holder) => ({ holder, release: async () => undefined }),
    inspect: (namespace, release) => real.lock.inspect(namespace, release),
  };
  const reader: ClusterReader = {
    async readLive(namespace, objects) {
      const live = await real.reader.readLive(namespace, objects);
      return applied ? liveOf(applied, objects, live) : live;
    },
  };
  const values: ValuesFiles = {
    // Nothing is written: helm's argv names the file as it would be written.
    withFile: (name, content, use) => {
      lastFile = { name, values: content };
      return use(name);
    },
  };
  // Drain waits and polls pass at once; time as the runner sees it moves on.
  const clock: Clock = {
    now: () => new Date(real.clock.now().getTime() + skippedMs),
    sleep: async (ms) => {
      skippedMs += ms;
    },
  };
  return { ports: { helm, records, lock, reader, values, clock }, wouldApply };
}
