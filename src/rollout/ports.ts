// The ports the rollout runner drives, named by role. Adapters implement them (src/kube/ with
// @kubernetes/client-node, src/helm/ with execa); tests may pass fakes. Nothing here does I/O.
import type { DeploymentRole } from '../engine/index.js';
import type { ReleaseObjects, RolloutRecord, StoredRecord } from '../record/record.js';

// The record's types live in its module; re-exported for the ports' users.
export type { HistoryEntry, ReleaseObjects, RolloutPhase, RolloutRecord, StoredRecord } from '../record/record.js';

/** RecordStore keeps rollout records in the cluster (one per release). */
export interface RecordStore {
  /** read returns the record, or undefined when the release has none. */
  read(namespace: string, release: string): Promise<StoredRecord | undefined>;
  /**
   * write creates (version undefined) or replaces the record; fails with a ConflictError when
   * someone else wrote it since `version`. Returns the new version.
   */
  write(record: RolloutRecord, version: string | undefined): Promise<string>;
  /** list returns every record in a namespace, and names the ones that cannot be read. */
  list(namespace: string): Promise<RecordListing>;
}

/** RecordListing is every rollout record of a namespace: the ones read, and the ones that cannot be (corrupt, or from a newer helm-canary). */
export interface RecordListing {
  records: RolloutRecord[];
  unreadable: { release: string; problem: string }[];
}

/** LockHolder describes who holds a release's lease. */
export interface LockHolder {
  holder: string;
  acquiredAt?: string;
  renewedAt?: string;
  expiresAt?: string;
}

/** Lock is a held lease; release() gives it up (and stops renewing). */
export interface Lock {
  holder: string;
  release(): Promise<void>;
  /** Why the lease was lost (taken over after it expired, or deleted), undefined while held. */
  readonly lost?: string;
}

/** ReleaseLock is a Lease per release so two pipelines never move one release at once. */
export interface ReleaseLock {
  /**
   * acquire takes the lease, or takes over an expired one. Fails with LockHeldError naming the
   * holder when someone else holds a live lease. The lock renews itself until released.
   */
  acquire(namespace: string, release: string, holder: string, ttlSeconds: number): Promise<Lock>;
  /** inspect tells who holds the lease now, if anyone. */
  inspect(namespace: string, release: string): Promise<LockHolder | undefined>;
}

/** DeploymentState is one Deployment as the cluster has it. */
export interface DeploymentState {
  name: string;
  image: string;
  repository: string;
  tag: string;
  desired: number;
  /**
   * Ready pods of the Deployment's current ReplicaSet (the one at its current template and
   * revision). Ready pods of older ReplicaSets say nothing about the new version and are not
   * counted; 0 while the controller has not yet observed the Deployment's latest generation.
   */
  ready: number;
  updated: number;
  available: number;
  /** True when the controller has seen the latest spec and the rollout is complete. */
  settled: boolean;
}

/** TrafficState is the VirtualService's weights per subset and the DestinationRule's subsets. */
export interface TrafficState {
  virtualService: string;
  weights: Record<string, number>;
  destinationRule?: string;
  subsets: string[];
}

/** LiveState is what the cluster runs for a release. */
export interface LiveState {
  production?: DeploymentState;
  canary?: DeploymentState;
  traffic?: TrafficState;
}

/** ClusterReader reads a release's live objects. */
export interface ClusterReader {
  readLive(namespace: string, objects: ReleaseObjects): Promise<LiveState>;
}

/** HelmReleaseStatus is helm's view of a release: its latest revision and that revision's status. */
export interface HelmReleaseStatus {
  status: string;
  revision: number;
}

/** HelmRevisionValues is one stored revision of a release with the values it was given. */
export interface HelmRevisionValues {
  revision: number;
  status: string;
  /** The user-supplied values of that revision (what `helm get values --revision N` prints). */
  values: unknown;
  /** helm's description of the revision; helm-canary's applies name the rollout's tags in it. */
  description?: string;
}

/** UpgradeOptions tune one upgrade. */
export interface UpgradeOptions {
  /**
   * takeOwnership lets helm take back fields another field manager changed (helm 4's server-side
   * apply refuses otherwise; the adapter adds --force-conflicts there). Rollback sets it: restoring
   * the stable version must not be stopped by a hand edit.
   */
  takeOwnership?: boolean;
  /**
   * env is added to helm's environment for this one upgrade: the overlay post-renderer's (helm 4
   * finds its plugin through HELM_PLUGINS; see src/helm/post-renderer.ts).
   */
  env?: Record<string, string>;
  /**
   * overlayValuesFile: overlay mode: helm runs helm-canary's post-renderer on the rendered chart,
   * which reads the stage from this values file (the apply's generated one). The adapter adds the
   * post-renderer's flags and environment for the helm version it runs.
   */
  overlayValuesFile?: string;
}

/**
 * Refusal is the mark of an adapter's error that says the release as it stands refused the change
 * (helm is stuck or out of reach), as opposed to a change that was tried and failed: the runner
 * passes a refusal on as it is, and reports any other failure of an apply as a failed stage.
 */
export interface Refusal {
  readonly refusal: true;
}

/** HelmReleases is what the runner needs of helm, with the release and namespace fixed. */
export interface HelmReleases {
  /** upgrade runs `helm ...argv` (an upgrade --install); throws the helm adapter's error on failure. */
  upgrade(argv: string[], options?: UpgradeOptions): Promise<void>;
  /** values returns the release's user-supplied values, or undefined when the release does not exist. */
  values(): Promise<unknown | undefined>;
  /** manifest returns the rendered manifest of the release's latest revision. */
  manifest(): Promise<string>;
  /** status returns the latest revision's status, or undefined when the release does not exist. */
  status(): Promise<HelmReleaseStatus | undefined>;
  /** lastDeployedRevision is the newest revision whose status is deployed or superseded. */
  lastDeployedRevision(): Promise<number | undefined>;
  /** rollbackTo runs `helm rollback` to a revision (clears a pending-* release). */
  rollbackTo(revision: number): Promise<void>;
  /**
   * revisions lists the release's stored revisions with their values, newest first ([] when the
   * release does not exist). The stable tag survives the loss of the rollout record here.
   */
  revisions(): Promise<HelmRevisionValues[]>;
  /**
   * render is `helm template` of an upgrade argv: what the chart would apply, without applying
   * it. Absent where nothing can render (a dry run's helm).
   */
  render?(argv: string[]): Promise<string>;
}

/** ValuesFiles writes a generated values file that only the user can read, and removes it after use. */
export interface ValuesFiles {
  withFile<T>(name: string, values: unknown, use: (path: string) => Promise<T>): Promise<T>;
}

/** Clock gives the time and waits; passed in so tests control both. */
export interface Clock {
  now(): Date;
  sleep(ms: number): Promise<void>;
}

/** Outcome is what a command achieved, for the reporter to word (a dry run's says "would"). */
export type Outcome =
  | { kind: 'rollout-recorded'; release: string; stableTag: string; newTag: string; plan: string }
  | { kind: 'stage-reached'; stage: number; of: number; name: string }
  | { kind: 'rolled-back'; release: string; tag: string }
  | { kind: 'deployed'; release: string; image: string }
  | { kind: 'detached'; release: string; image: string };

/** WaitProgress is how a wait on pods stands: how long it has waited, the ready counts of the Deployments it waits for, and what is still missing. */
export interface WaitProgress {
  elapsedMs: number;
  timeoutMs: number;
  deployments: { role: DeploymentRole; name: string; ready: number; updated: number; desired: number }[];
  missing: string[];
}

/** Reporter shows progress: plain lines in CI, a step line with elapsed time on a terminal. */
export interface Reporter {
  /** outcome tells what the command achieved: a stage in place, a rollback done, a deploy done. */
  outcome(outcome: Outcome): void;
  info(message: string): void;
  warn(message: string): void;
  /** task starts a long step (a helm upgrade, a wait) and returns its end. */
  task(label: string): { done(message?: string): void; fail(message?: string): void };
  /**
   * waiting tells how a long wait stands (ready counts, what is missing), every few seconds: a
   * terminal shows it on the step's spinner line, a log gets a line. Optional: a reporter without
   * it gets the line through `info`.
   */
  waiting?(progress: WaitProgress): void;
  /** helmCommand and helmOutput show helm's own calls and output where the reporter shows them (--debug, CI log groups). */
  helmCommand?(binary: string, argv: readonly string[]): void;
  helmOutput?(line: string, stream: 'stdout' | 'stderr'): void;
}
