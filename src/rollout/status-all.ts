// status --all: every release with a rollout record in a namespace, read in parallel. Uses the
// objects each record saved at start, so it costs API reads only, no helm process per release.
import type { ClusterReader, RecordListing, RecordStore, ReleaseLock, ReleaseObjects } from './ports.js';
import { buildStatus, type ReleaseStatus } from './status.js';

/** referenceObjects are the object names charts/canary-app gives a release. */
export function referenceObjects(release: string): ReleaseObjects {
  return { production: `${release}-production`, canary: `${release}-canary`, virtualService: release, destinationRule: release, subsets: { production: 'production', canary: 'canary' } };
}

/** readAllStatuses returns the status of every recorded release in `namespace`, sorted by name, and the records that cannot be read. */
export async function readAllStatuses(deps: { records: Pick<RecordStore, 'list'>; reader: ClusterReader; lock: Pick<ReleaseLock, 'inspect'> }, namespace: string): Promise<{ statuses: ReleaseStatus[]; unreadable: RecordListing['unreadable'] }> {
  const { records, unreadable } = await deps.records.list(namespace);
  const statuses = await Promise.all(
    records.map(async (record) => {
      const objects = record.objects ?? referenceObjects(record.release);
      const [live, lock] = await Promise.all([deps.reader.readLive(namespace, objects), deps.lock.inspect(namespace, record.release)]);
      return buildStatus({ release: record.release, namespace, record, lock, objects, live });
    }),
  );
  return { statuses: statuses.sort((a, b) => a.release.localeCompare(b.release)), unreadable };
}
