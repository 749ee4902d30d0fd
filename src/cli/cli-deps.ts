// What the CLI needs from the process it runs in: where its output goes, the environment, how a
// cluster command connects, and who answers `run`'s gate. The bin entry (main.ts) passes the real
// ones; command tests pass writers that collect text and a `connect` over the in-memory fakes, so
// every verb runs in-process and its exact output can be asserted.
// Types only from the cluster wiring: importing this file must not load the Kubernetes client.
import type { ClusterFlags, ContextUse } from './cluster-context.js';
import type { Approver } from './commands/gate/approver.js';
import type { DryRun } from '../dry-run/dry-run-adapters.js';
import type { RunnerContext } from '../rollout/context.js';
import type { ClusterReader, RecordStore, ReleaseLock, Reporter } from '../rollout/ports.js';
import type { ReleaseActivity } from '../rollout/release-activity.js';

/** Writer is an output stream as the CLI uses it: text in, and whether a terminal shows it. */
export interface Writer {
  write(text: string): unknown;
  isTTY?: boolean;
}

/** Connected is a cluster command's context and a dry run's adapters. */
export interface Connected {
  ctx: RunnerContext;
  dryRun?: DryRun;
  /** The release's pods and events, for status --watch (absent where nothing reads them). */
  activity?: ReleaseActivity;
}

/** NamespaceReads are the adapters `status --all` reads every recorded release of a namespace with. */
export interface NamespaceReads {
  namespace: string;
  records: RecordStore;
  reader: ClusterReader;
  lock: ReleaseLock;
  /** The namespaces to read for status -A (`exact` false: every visible namespace, records or not). */
  allNamespaces?: () => Promise<{ namespaces: string[]; exact: boolean }>;
}

/** CliDeps are the process-facing parts of the CLI. */
export interface CliDeps {
  stdout: Writer;
  stderr: Writer;
  env: NodeJS.ProcessEnv;
  /** The progress reporter's clock (elapsed times of steps), in epoch milliseconds. */
  now: () => number;
  /**
   * connect builds a cluster command's context. `reporter` is the progress reporter the CLI made
   * for this command (on `stderr`), for the context to report through.
   */
  connect(flags: ClusterFlags, use: ContextUse, reporter: Reporter): Promise<Connected>;
  /** connectNamespace connects for namespace-wide reads (`status --all`). */
  connectNamespace(flags: ClusterFlags): Promise<NamespaceReads>;
  /** askPerson is the Approver of a person at a terminal; undefined when there is no terminal to ask on. */
  askPerson: (() => Promise<Approver>) | undefined;
}
