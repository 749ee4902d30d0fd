// The runner's HelmReleases port over a HelmRunner, for one release: helm's "release not found"
// becomes undefined, and failures that mean "cannot reach" or "stuck" become the CLI's errors
// with their exit codes. Other failures stay HelmErrors (the runner reports them as a failed stage).
import { BlockedError, UnreachableError, type CliError } from '../cli/errors.js';
import type { HelmReleases, HelmReleaseStatus } from '../rollout/ports.js';
import { HelmError } from './helm-error.js';
import type { HelmRunner } from './helm-runner.js';

/**
 * helmErrorToCliError maps the helm failures that mean "cannot reach" or "stuck / drifted" to the
 * CLI's errors with their exit codes; other failures return undefined (the caller decides: a
 * failed stage in the runner, exit 1 at the top level).
 */
export function helmErrorToCliError(err: HelmError): CliError | undefined {
  if (err.kind === 'not-found') return new UnreachableError(`helm not found: ${err.binary}`, ['install helm 3.8+ or 4, or point --helm / HELM_BIN at it']);
  if (err.kind === 'unreachable') return new UnreachableError('the cluster cannot be reached by helm', [err.stderr.trim()]);
  // Helm 4 applies server-side: a field someone changed with kubectl belongs to another field
  // manager, and helm refuses to take it over. Report the drift instead of overwriting it.
  const conflict = /conflict(?:s)? with "([^"]+)"/.exec(err.stderr);
  if (conflict) {
    return new BlockedError(`a field of the release was changed outside helm (by field manager "${conflict[1]}"), so helm will not overwrite it`, [
      err.stderr.trim(),
      'undo the change, or let helm take the fields over: add --force-conflicts to helm.extraArgs (helm 4)',
    ]);
  }
  if (err.kind === 'pending-operation') {
    return new BlockedError('helm reports another operation in progress on this release', [err.stderr.trim(), 'if no other helm is running, clear it with --recover']);
  }
  return undefined;
}

function translate(err: unknown): unknown {
  return err instanceof HelmError ? (helmErrorToCliError(err) ?? err) : err;
}

async function orUndefinedWhenMissing<T>(call: Promise<T>): Promise<T | undefined> {
  try {
    return await call;
  } catch (err) {
    if (err instanceof HelmError && err.kind === 'release-not-found') return undefined;
    throw translate(err);
  }
}

/** helmReleases binds a HelmRunner to one release and namespace. */
export function helmReleases(runner: HelmRunner, release: string, namespace: string, timeout: string): HelmReleases {
  return {
    async upgrade(argv) {
      try {
        await runner.upgrade(argv);
      } catch (err) {
        throw translate(err);
      }
    },
    values: () => orUndefinedWhenMissing(runner.getValues(release, namespace)),
    async manifest() {
      try {
        return await runner.getManifest(release, namespace);
      } catch (err) {
        throw translate(err);
      }
    },
    async status(): Promise<HelmReleaseStatus | undefined> {
      const s = await orUndefinedWhenMissing(runner.status(release, namespace));
      return s && { status: s.status, revision: s.revision };
    },
    async lastDeployedRevision() {
      const history = (await orUndefinedWhenMissing(runner.history(release, namespace))) ?? [];
      const deployed = history.filter((h) => h.status === 'deployed' || h.status === 'superseded');
      return deployed.at(-1)?.revision;
    },
    async rollbackTo(revision) {
      try {
        await runner.rollback(release, namespace, revision, { timeout });
      } catch (err) {
        throw translate(err);
      }
    },
  };
}
