// The helm failures that are not a failed stage: helm cannot run or reach the cluster, or helm
// refuses to act on the release as it stands. Typed here, so the CLI gives each its exit code
// (3 and 4); every other HelmError is a failed stage.
import type { Refusal } from '../rollout/ports.js';
import { HelmError } from './helm-error.js';

/** HelmUnreachableError: helm is not installed, or cannot reach the cluster. */
export class HelmUnreachableError extends Error implements Refusal {
  override name = 'HelmUnreachableError';
  readonly refusal = true;
  constructor(
    message: string,
    readonly details: string[] = [],
  ) {
    super(message);
  }
}

/** HelmBlockedError: helm refuses the release as it stands (fields changed outside helm, another operation pending). */
export class HelmBlockedError extends Error implements Refusal {
  override name = 'HelmBlockedError';
  readonly refusal = true;
  constructor(
    message: string,
    readonly details: string[] = [],
  ) {
    super(message);
  }
}

/**
 * helmRefusalOf returns the typed error for a helm failure that means "cannot reach" or "stuck /
 * drifted"; other failures return undefined (the caller decides: a failed stage in the runner,
 * exit 1 at the top level).
 */
export function helmRefusalOf(err: HelmError): HelmUnreachableError | HelmBlockedError | undefined {
  if (err.kind === 'not-found') return new HelmUnreachableError(`helm not found: ${err.binary}`, ['install helm 3.8+ or 4, or point --helm / HELM_BIN at it']);
  if (err.kind === 'unreachable') return new HelmUnreachableError('the cluster cannot be reached by helm', [err.stderr.trim()]);
  // Helm 4 applies server-side: a field someone changed with kubectl belongs to another field
  // manager, and helm refuses to take it over. Report the drift instead of overwriting it.
  const conflict = /conflict(?:s)? with "([^"]+)"/.exec(err.stderr);
  if (conflict) {
    return new HelmBlockedError(`a field of the release was changed outside helm (by field manager "${conflict[1]}"), so helm will not overwrite it`, [
      err.stderr.trim(),
      'undo the change, or let helm take the fields over: add --force-conflicts to helm.extraArgs (helm 4)',
    ]);
  }
  if (err.kind === 'pending-operation') {
    return new HelmBlockedError('helm reports another operation in progress on this release', [err.stderr.trim(), 'if no other helm is running, clear it with --recover']);
  }
  return undefined;
}

/** withRefusalsTyped returns a HelmError's typed refusal when it has one, else `err` unchanged. */
export function withRefusalsTyped(err: unknown): unknown {
  return err instanceof HelmError ? (helmRefusalOf(err) ?? err) : err;
}
