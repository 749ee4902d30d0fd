// Helm's release storage as the helm adapter sees it from outside helm. Helm keeps every revision
// of a release in its storage driver; with the default driver (Secrets) those records can be read
// with one Kubernetes API list, far cheaper than a helm process. The reader is an interface here,
// implemented in src/kube (HelmReleaseStorage), so this adapter never loads the Kubernetes client.
import type { HelmReleaseStatus, HelmRevisionValues } from '../rollout/ports.js';

/** ReleaseStorageReader reads a release's revisions straight from helm's storage, without helm. */
export interface ReleaseStorageReader {
  /** status is the latest revision's status, or undefined when the release has none. */
  status(namespace: string, release: string): Promise<HelmReleaseStatus | undefined>;
  /** lastDeployedRevision is the newest revision that was deployed (or superseded since). */
  lastDeployedRevision(namespace: string, release: string): Promise<number | undefined>;
  /** revisionValues lists the revisions with their user-supplied values, newest first ([] for none). */
  revisionValues(namespace: string, release: string): Promise<HelmRevisionValues[]>;
}

/**
 * usesSecretStorage is true when helm stores releases in Secrets: HELM_DRIVER unset (helm's
 * default), `secret` or `secrets`. With any other driver (configmap, memory, sql) the Secrets do
 * not exist, and only the helm CLI can answer.
 */
export function usesSecretStorage(env: NodeJS.ProcessEnv = process.env): boolean {
  const driver = (env.HELM_DRIVER ?? '').toLowerCase();
  return driver === '' || driver === 'secret' || driver === 'secrets';
}
