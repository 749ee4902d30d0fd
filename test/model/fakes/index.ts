// Builds the fake world and a RunnerContext over it: one call gives the model a cluster, helm,
// record store, lock, clock, values files and reporter that all share the same fake time.
import { DEFAULT_VALUE_PATHS, type Plan } from '../../../src/engine/index.js';
import { discoverReleaseObjects } from '../../../src/kube/release-objects.js';
import { releaseObjectsResolver } from '../../../src/rollout/release-objects.js';
import type { RunnerContext } from '../../../src/rollout/context.js';
import { dryRunAdapters } from '../../../src/dry-run/dry-run-adapters.js';
import type { ReleaseObjects } from '../../../src/rollout/ports.js';
import { CollectingReporter } from './collecting-reporter.js';
import { FakeClock } from './fake-clock.js';
import { FakeCluster } from './fake-cluster.js';
import { FakeClusterReader } from './fake-cluster-reader.js';
import { FakeHelm } from './fake-helm.js';
import { FakeLock } from './fake-lock.js';
import { FakeRecordStore } from './fake-record-store.js';
import { MemoryValuesFiles } from './memory-values-files.js';
import { World, type WorldConfig } from './world.js';

export { Killed, describeFault, type CommandFault } from './faults.js';
export { World, type WorldConfig, type Violation } from './world.js';
export type { Pod } from './fake-cluster.js';

/** createWorld builds an empty cluster (no release installed yet) and the fakes over it. */
export function createWorld(config: WorldConfig): World {
  const world = new World(config);
  world.cluster = new FakeCluster(world);
  world.helm = new FakeHelm(world);
  world.records = new FakeRecordStore(world);
  world.lock = new FakeLock(world);
  world.valuesFiles = new MemoryValuesFiles(world);
  return world;
}

const discovered = new Map<string, ReleaseObjects>();

/** RUNNER_TIMINGS are the context's waits, as the CLI's defaults set them. */
export const RUNNER_TIMINGS = { lockTtlSeconds: 60, verifyTimeoutMs: 20_000 };

/**
 * runnerContext is the context one command (one process) runs with. Objects are found the way
 * the CLI finds them: from the active record, else from helm's manifest.
 */
export function runnerContext(world: World, options: { plan: Plan; holder: string; dryRun: boolean; reporter: CollectingReporter }): RunnerContext {
  const { release, namespace, repository, replicas, helmTimeoutMs } = world.config;
  const records = world.records;
  const real = { helm: world.helm, records, lock: world.lock, reader: new FakeClusterReader(world), values: world.valuesFiles, clock: new FakeClock(world) };
  // A dry run gets the adapters the CLI's wiring picks for --dry-run.
  const ports = options.dryRun ? dryRunAdapters(real, DEFAULT_VALUE_PATHS, options.reporter).ports : real;
  return {
    spec: {
      release,
      namespace,
      chart: { kind: 'path', path: 'charts/canary-app' },
      valuesFiles: [],
      repository,
      replicas,
      valuePaths: DEFAULT_VALUE_PATHS,
      helm: { timeout: `${helmTimeoutMs / 1000}s`, createNamespace: false, extraArgs: [] },
    },
    plan: options.plan,
    ...ports,
    reporter: options.reporter,
    actor: 'model@ci',
    holder: options.holder,
    lockTtlSeconds: world.config.lockTtlSeconds,
    verifyTimeoutMs: RUNNER_TIMINGS.verifyTimeoutMs,
    // The manifest never changes in the model: parse it once (YAML parsing would be most of a run's time).
    objects: releaseObjectsResolver({ namespace, release }, records, world.helm, (manifest) => discovered.get(manifest) ?? discovered.set(manifest, discoverReleaseObjects(manifest, release)).get(manifest)!),
  };
}
