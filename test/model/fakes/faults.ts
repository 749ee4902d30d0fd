// The faults the model injects into one command, and the error that stands for the process dying.
// Each fault strikes at a counted call, so a shrunk counterexample names the exact moment.

/**
 * Killed is thrown by a port call when the process "dies" there (SIGKILL, a cancelled CI job).
 * Every later port call of the same command throws it too: nothing after the kill happened.
 */
export class Killed extends Error {
  override name = 'Killed';
  constructor(readonly at: string) {
    super(`killed at ${at}`);
  }
}

/** CommandFault is at most one fault per command; `at*` counts from 1 within the command. */
export type CommandFault =
  /**
   * The process dies at its `atCall`-th port call, or at its `atCall`-th call of `port` (e.g.
   * "helm.upgrade", "records.write": rows that name the port survive runner changes that add
   * reads). With `landed` a mutating call (helm upgrade or rollback, record write, lease write)
   * took effect before the death; helm then leaves the revision pending. With `signal` it was a
   * SIGINT/SIGTERM: the runner's handler gave the lease back before exiting, so the next command
   * need not wait for it to expire.
   */
  | { kind: 'kill'; atCall: number; port?: string; landed: boolean; signal?: boolean }
  /**
   * The `atUpgrade`-th helm upgrade fails: before applying anything, after applying (values in
   * the cluster, revision failed), or after waiting out its whole --timeout.
   */
  | { kind: 'helm-error'; atUpgrade: number; when: 'before-apply' | 'after-apply' | 'wait-timeout' }
  /** The API server answers 409 to the `atCall`-th record write, or 500 to the `atCall`-th record call. */
  | { kind: 'record-api'; atCall: number; code: 409 | 500 }
  /** Someone deletes the rollout record just before the `atCall`-th port call. */
  | { kind: 'record-deleted'; atCall: number }
  /** The lease is deleted, or taken by another holder, just before the `atCall`-th port call. */
  | { kind: 'lease-lost'; atCall: number; how: 'deleted' | 'taken' };

/** describeFault renders a fault for the trace, e.g. "kill@12 (landed)". */
export function describeFault(f: CommandFault | undefined): string {
  if (!f) return '';
  switch (f.kind) {
    case 'kill':
      return `${f.signal ? 'sigint' : 'kill'}@${f.port ?? 'call'}${f.atCall}${f.landed ? ' (landed)' : ''}`;
    case 'helm-error':
      return `helm-error@upgrade${f.atUpgrade} ${f.when}`;
    case 'record-api':
      return `record-${f.code}@${f.code === 409 ? 'write' : 'call'}${f.atCall}`;
    case 'record-deleted':
      return `record-deleted@call${f.atCall}`;
    case 'lease-lost':
      return `lease-${f.how}@call${f.atCall}`;
  }
}
