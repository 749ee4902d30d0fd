// Helm's own release records, read straight from the cluster. With helm's default storage driver
// every revision is a Secret `sh.helm.release.v1.<release>.v<N>` labelled owner=helm, name,
// version and status, so the labels answer "is the release stuck pending, and what was its last
// deployed revision" with one API list instead of a helm process per question.
import type { HelmReleaseStatus } from '../rollout/ports.js';
import type { KubeConnection } from './kube-context.js';

/** HelmRevision is one stored revision of a release, from its Secret's labels. */
export interface HelmRevision {
  revision: number;
  status: string;
}

/** usesSecretStorage is true when helm stores releases in Secrets (HELM_DRIVER unset or secret(s)). */
export function usesSecretStorage(env: NodeJS.ProcessEnv = process.env): boolean {
  const driver = (env.HELM_DRIVER ?? '').toLowerCase();
  return driver === '' || driver === 'secret' || driver === 'secrets';
}

/** HelmReleaseStorage reads a release's revisions from helm's storage Secrets. */
export class HelmReleaseStorage {
  constructor(private readonly kube: KubeConnection) {}

  /** revisions lists the release's revisions, oldest first. */
  async revisions(namespace: string, release: string): Promise<HelmRevision[]> {
    const list = await this.kube.call(`helm release Secrets of ${namespace}/${release}`, () =>
      this.kube.core.listNamespacedSecret({ namespace, labelSelector: `owner=helm,name=${release}` }),
    );
    return list.items
      .map((s) => ({ revision: Number(s.metadata?.labels?.version), status: s.metadata?.labels?.status ?? 'unknown' }))
      .filter((r) => Number.isInteger(r.revision))
      .sort((a, b) => a.revision - b.revision);
  }

  /** status is the latest revision's status, or undefined when the release has none. */
  async status(namespace: string, release: string): Promise<HelmReleaseStatus | undefined> {
    const latest = (await this.revisions(namespace, release)).at(-1);
    return latest && { status: latest.status, revision: latest.revision };
  }

  /** lastDeployedRevision is the newest revision that was deployed (or superseded since). */
  async lastDeployedRevision(namespace: string, release: string): Promise<number | undefined> {
    return (await this.revisions(namespace, release)).filter((r) => r.status === 'deployed' || r.status === 'superseded').at(-1)?.revision;
  }
}
