// The one step that resolves which objects a release is made of (its two Deployments, the
// VirtualService, the DestinationRule, the subset names). Resolved once per command, on first use:
// a first install has no manifest to read them from until it is applied.
import { isActive } from './record.js';
import type { HelmReleases, RecordStore, ReleaseObjects } from './ports.js';

/** DiscoverObjects finds a release's objects in its rendered manifest (src/kube/release-objects.ts). */
export type DiscoverObjects = (manifest: string, release: string) => ReleaseObjects;

/**
 * releaseObjectsResolver returns the `objects` port: the objects an active rollout saved in its
 * record at start (one API read, and the objects the rollout began with), else the ones found in
 * helm's manifest of the latest revision.
 */
export function releaseObjectsResolver(target: { namespace: string; release: string }, records: Pick<RecordStore, 'read'>, helm: Pick<HelmReleases, 'manifest'>, discover: DiscoverObjects): () => Promise<ReleaseObjects> {
  let resolved: Promise<ReleaseObjects> | undefined;
  const resolve = async () => {
    const stored = await records.read(target.namespace, target.release);
    const recorded = stored && isActive(stored.record) ? stored.record.objects : undefined;
    return recorded ?? discover(await helm.manifest(), target.release);
  };
  return () => {
    // A failed resolution (the release is not installed yet) is tried again on the next use.
    resolved ??= resolve().catch((err: unknown) => {
      resolved = undefined;
      throw err;
    });
    return resolved;
  };
}
