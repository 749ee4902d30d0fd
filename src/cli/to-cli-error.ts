// The one map from the typed errors of the layers below (config, runner, helm, kube, engine) to
// what a user sees: a message, details ending with the next step, and the documented exit code.
// Imports only error modules (no Kubernetes client, no helm runner), so reporting stays cheap.
import { ConfigError } from '../config/config-error.js';
import { EngineError } from '../engine/index.js';
import { HelmError } from '../helm/helm-error.js';
import { HelmBlockedError, HelmUnreachableError, helmRefusalOf } from '../helm/helm-refusals.js';
import { ClusterUnreachableError, ConflictError, InvalidRecordError, KubeApiError, KubeConfigError, LockHeldError, ReleaseObjectsError } from '../kube/kube-errors.js';
import { BadRequestError, BlockedError, StageFailedError } from '../rollout/rollout-errors.js';
import { CliError, EXIT } from './errors.js';

/** ROLLBACK_HINT ends the details of a stage that failed and was left where it failed. */
export const ROLLBACK_HINT = 'roll back with: helm-canary rollback';

// A stage left where it failed suggests the rollback, unless its details already do.
function stageFailed(message: string, details: string[], rolledBack: boolean): CliError {
  if (rolledBack) return new CliError(message, EXIT.rolledBack, details);
  const hinted = details.some((d) => d.includes('helm-canary rollback'));
  return new CliError(message, EXIT.stageFailed, hinted ? details : [...details, ROLLBACK_HINT]);
}

/** toCliError returns `err` as a CliError when it is one of the known kinds, else `err` itself (a bug). */
export function toCliError(err: unknown): unknown {
  if (err instanceof CliError) return err;
  if (err instanceof ConfigError) return new CliError(err.message, EXIT.badInput, err.problems);
  if (err instanceof BadRequestError) return new CliError(err.message, EXIT.badInput, err.details);
  if (err instanceof BlockedError) return new CliError(err.message, EXIT.blocked, err.details);
  if (err instanceof StageFailedError) return stageFailed(err.message, err.details, err.rolledBack);
  if (err instanceof HelmUnreachableError) return new CliError(err.message, EXIT.unreachable, err.details);
  if (err instanceof HelmBlockedError) return new CliError(err.message, EXIT.blocked, err.details);
  if (err instanceof HelmError) return toCliError(helmRefusalOf(err) ?? new StageFailedError(err.message));
  if (err instanceof KubeConfigError) return new CliError(err.message, EXIT.badInput);
  if (err instanceof ClusterUnreachableError) return new CliError(err.message, EXIT.unreachable);
  if (err instanceof LockHeldError) return new CliError(err.message, EXIT.blocked, ['wait for it to finish; a lock left by a killed run expires on its own']);
  if (err instanceof ConflictError) return new CliError(`another run changed the rollout record at the same time: ${err.message}`, EXIT.blocked, ['check with: helm-canary status']);
  if (err instanceof ReleaseObjectsError) return new CliError(err.message, EXIT.badInput);
  if (err instanceof InvalidRecordError) return new CliError(err.message, EXIT.blocked, err.details);
  // A 403 names the verb and resource the API server refused; the Role that grants all of them is one command away.
  if (err instanceof KubeApiError && err.code === 403) return new CliError(err.message, EXIT.unreachable, ['the Role helm-canary needs: helm-canary rbac -n NAMESPACE | kubectl apply -f -']);
  if (err instanceof KubeApiError) return new CliError(err.message, EXIT.unreachable);
  if (err instanceof EngineError) return new CliError(err.message, EXIT.blocked);
  return err;
}
