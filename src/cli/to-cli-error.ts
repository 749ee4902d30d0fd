// Maps the adapters' error types onto the CLI's, so each gets its documented exit code. Imports
// only the kube error classes (no Kubernetes client) and the helm error mapping.
import { ClusterUnreachableError, ConflictError, KubeConfigError, LockHeldError, ReleaseObjectsError, InvalidRecordError, KubeApiError } from '../kube/kube-errors.js';
import { HelmError } from '../helm/helm-error.js';
import { helmErrorToCliError } from '../helm/helm-releases.js';
import { EngineError } from '../engine/index.js';
import { BlockedError, CliError, InputError, StageFailedError, UnreachableError } from './errors.js';

/** toCliError returns `err` as a CliError when it is one of the known kinds, else `err` itself. */
export function toCliError(err: unknown): unknown {
  if (err instanceof CliError) return err;
  if (err instanceof KubeConfigError) return new InputError(err.message);
  if (err instanceof ClusterUnreachableError) return new UnreachableError(err.message);
  if (err instanceof LockHeldError) return new BlockedError(err.message, ['wait for it to finish; a lock left by a killed run expires on its own']);
  if (err instanceof ConflictError) return new BlockedError(`another run changed the rollout record at the same time: ${err.message}`, ['check with: helm-canary status']);
  if (err instanceof ReleaseObjectsError) return new InputError(err.message);
  if (err instanceof InvalidRecordError) return new BlockedError(err.message);
  if (err instanceof KubeApiError) return new UnreachableError(err.message);
  if (err instanceof HelmError) return helmErrorToCliError(err) ?? new StageFailedError(err.message);
  if (err instanceof EngineError) return new BlockedError(err.message);
  return err;
}
