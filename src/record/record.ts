// The rollout record: the state of one release's rollout, kept in the cluster (a ConfigMap) so any
// machine can continue, inspect or roll it back. record-schema.ts checks what is read against it.
import type { DeploymentRole } from '../engine/index.js';

/** RECORD_SCHEMA_VERSION is the version of the stored record this build writes and reads (records without one are version 1). */
export const RECORD_SCHEMA_VERSION = 1;

/** RolloutPhase says what a release's rollout is doing. */
export type RolloutPhase =
  | 'in-progress' // at a stage, waiting for a person to promote or roll back
  | 'promoting' // a promote is applying `target`
  | 'rolling-back' // a rollback is applying
  | 'failed' // the last promote failed; the release is at `stage` or between it and `target`
  | 'completed' // the last stage was reached: the new tag is the stable one
  | 'rolled-back'; // back at stage 1 with the stable tag

/** HistoryEntry is one transition in the rollout record. */
export interface HistoryEntry {
  at: string;
  by: string;
  action: 'start' | 'promote' | 'rollback' | 'fail' | 'recover' | 'force';
  from: number;
  to: number;
  result: 'ok' | 'failed';
  message?: string;
}

/** ReleaseObjects names the objects of a release the runner verifies; a rollout saves them in its record at start. */
export interface ReleaseObjects {
  production: string;
  canary: string;
  virtualService: string;
  destinationRule?: string;
  /**
   * autoscaled: an HPA owns production's replicas (overlay mode over a chart that leaves them out
   * for its HPA). Production's replica count is then neither set nor checked; its pods must be ready.
   */
  autoscaled?: boolean;
  /** Subset names in the VirtualService / DestinationRule. */
  subsets: Record<DeploymentRole, string>;
}

/** RolloutRecord is the rollout's state, kept in the cluster so any machine can continue it. */
export interface RolloutRecord {
  release: string;
  namespace: string;
  stableTag: string;
  newTag: string;
  repository: string;
  replicas: number;
  /** The plan as it was when the rollout started: later config edits do not change a rollout. */
  plan: { name: string; steps: { weight: number; canaryReplicas?: number | string }[]; finalStepMustBe100: boolean; drainSeconds: number };
  stage: number;
  phase: RolloutPhase;
  /** The stage a promote is applying, while phase is promoting or failed. */
  target?: number;
  startedAt: string;
  startedBy: string;
  lastTransitionAt: string;
  /** When traffic weights last changed, for the drain delay before removing pods. */
  lastWeightChangeAt?: string;
  /** Deployments that carried traffic before the last weight change. */
  recentlyRouted?: DeploymentRole[];
  lastError?: string;
  /** The release's objects as found at start, so status --all needs no helm call per release. */
  objects?: ReleaseObjects;
  history: HistoryEntry[];
}

/** StoredRecord is a record with the version it was read at, for conflict-checked writes. */
export interface StoredRecord {
  record: RolloutRecord;
  version: string;
}

