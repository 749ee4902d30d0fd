// Helm's own release records, read straight from the cluster. With helm's default storage driver
// every revision is a Secret `sh.helm.release.v1.<release>.v<N>` labelled owner=helm, name,
// version and status, so the labels answer "is the release stuck pending, and what was its last
// deployed revision" with one API list instead of a helm process per question. The Secrets also
// hold each revision's values, which keep the stable tag when the rollout record is lost.
import type { V1Secret } from '@kubernetes/client-node';
import type { ReleaseStorageReader } from '../helm/release-storage.js';
import { wasDeployed } from '../rollout/helm-revision-status.js';
import type { HelmReleaseStatus, HelmRevisionValues } from '../rollout/ports.js';
import { decodeHelmRelease } from './helm-release-codec.js';
import type { KubeConnection } from './kube-context.js';
import { InvalidRecordError } from './kube-errors.js';

/** HelmRevision is one stored revision of a release, from its Secret's labels. */
export interface HelmRevision {
  revision: number;
  status: string;
}

/**
 * HelmReleaseStorage reads a release's revisions from helm's storage Secrets. The helm adapter
 * (HelmReleasesAdapter) decides when to ask it: only while HELM_DRIVER says Secrets.
 */
export class HelmReleaseStorage implements ReleaseStorageReader {
  constructor(private readonly kube: KubeConnection) {}

  /** revisions lists the release's revisions, oldest first. */
  async revisions(namespace: string, release: string): Promise<HelmRevision[]> {
    return (await this.listSecrets(namespace, release)).map(({ revision }) => revision);
  }

  /**
   * revisionValues lists the release's revisions with their user-supplied values (helm's
   * `config`, {} when there were none), newest first. A Secret that does not decode fails the
   * whole list, as it fails `helm history`.
   */
  async revisionValues(namespace: string, release: string): Promise<HelmRevisionValues[]> {
    return (await this.listSecrets(namespace, release)).reverse().map(({ revision, secret }) => {
      const name = `helm release Secret ${namespace}/${secret.metadata?.name ?? ''}`;
      let values: unknown;
      let description: string | undefined;
      try {
        const decoded = decodeHelmRelease(secret.data?.release ?? '');
        values = decoded.config ?? {};
        description = decoded.info?.description ?? undefined;
      } catch (err) {
        throw new InvalidRecordError(`${name}: data.release is not a helm release (${(err as Error).message})`);
      }
      return { ...revision, values, description };
    });
  }

  /** status is the latest revision's status, or undefined when the release has none. */
  async status(namespace: string, release: string): Promise<HelmReleaseStatus | undefined> {
    const latest = (await this.revisions(namespace, release)).at(-1);
    return latest && { status: latest.status, revision: latest.revision };
  }

  /** lastDeployedRevision is the newest revision that was deployed (or superseded since). */
  async lastDeployedRevision(namespace: string, release: string): Promise<number | undefined> {
    return (await this.revisions(namespace, release)).filter((r) => wasDeployed(r.status)).at(-1)?.revision;
  }

  // The release's storage Secrets with the revision their labels name, oldest first.
  private async listSecrets(namespace: string, release: string): Promise<{ revision: HelmRevision; secret: V1Secret }[]> {
    const list = await this.kube.call(`helm release Secrets of ${namespace}/${release}`, () =>
      this.kube.core.listNamespacedSecret({ namespace, labelSelector: `owner=helm,name=${release}` }),
    );
    return list.items
      .map((secret) => ({ revision: { revision: Number(secret.metadata?.labels?.version), status: secret.metadata?.labels?.status ?? 'unknown' }, secret }))
      .filter(({ revision }) => Number.isInteger(revision.revision))
      .sort((a, b) => a.revision.revision - b.revision.revision);
  }
}
