// The rollout record lives in a ConfigMap in the release's namespace, so any machine with
// cluster access can continue, inspect or roll back a rollout. Writes are optimistic: the
// ConfigMap's resourceVersion is the record's version, and the API server refuses (409) a
// replace based on a stale one, which is how two writers find out about each other.
import type { V1ConfigMap } from '@kubernetes/client-node';
import type { RecordListing, RecordStore, RolloutRecord, StoredRecord } from '../rollout/ports.js';
import { RECORD_SCHEMA_VERSION } from '../record/record.js';
import { readStoredRecord, storedRecordDocument } from '../record/record-schema.js';
import type { KubeConnection } from './kube-context.js';
import { ConflictError, InvalidRecordError, NotFoundError, isConflict, isNotFound, undefinedWhenNotFound } from './kube-errors.js';
import { MANAGED_BY, MANAGED_BY_LABEL, RELEASE_LABEL, stateLabels, stateObjectName } from './object-names.js';

/** RECORD_KEY is the ConfigMap data key holding the record as JSON. */
export const RECORD_KEY = 'record.json';

/**
 * recordReadError is the error for a stored record this build cannot use: it names the ConfigMap,
 * what is wrong (by field path) and the ways out. Deleting the record is safe: rollback rebuilds
 * it from the cluster and the values helm keeps with each revision.
 */
export function recordReadError(namespace: string, release: string, wrong: { problems: string[]; newerVersion?: number }): InvalidRecordError {
  const name = stateObjectName(release);
  const where = `ConfigMap ${namespace}/${name}`;
  if (wrong.newerVersion !== undefined) {
    return new InvalidRecordError(`the rollout record of ${release} (${where}) was written by a newer helm-canary (record schema ${wrong.newerVersion}; this one reads up to ${RECORD_SCHEMA_VERSION}): upgrade helm-canary`);
  }
  return new InvalidRecordError(`the rollout record of ${release} (${where}) is corrupt or was edited by hand`, [
    ...wrong.problems,
    `fix the fields named above in ${RECORD_KEY} with: kubectl edit configmap ${name} -n ${namespace}`,
    `or delete it (kubectl delete configmap ${name} -n ${namespace}) and run: helm-canary rollback, which rebuilds the record from the cluster and helm's revisions`,
  ]);
}

/** decodeRecord reads the record out of its stored text; throws InvalidRecordError when it is not a usable one. */
export function decodeRecord(namespace: string, release: string, stored: string | undefined): RolloutRecord {
  let value: unknown;
  try {
    value = stored === undefined ? undefined : JSON.parse(stored);
  } catch {
    throw recordReadError(namespace, release, { problems: [`${RECORD_KEY}: is not valid JSON`] });
  }
  if (value === undefined) throw recordReadError(namespace, release, { problems: [`${RECORD_KEY}: is missing`] });
  const read = readStoredRecord(value);
  if (!read.ok) throw recordReadError(namespace, release, read);
  return read.record;
}

/** encodeRecord is the stored text of a record, in this build's schema version. */
export function encodeRecord(record: RolloutRecord): string {
  return JSON.stringify(storedRecordDocument(record), null, 2);
}

/** parseRecord decodes a record ConfigMap; throws InvalidRecordError when it is not a usable record. */
export function parseRecord(cm: V1ConfigMap): RolloutRecord {
  return decodeRecord(cm.metadata?.namespace ?? '', releaseOfConfigMap(cm), cm.data?.[RECORD_KEY]);
}

/** unreadableProblem is one line saying why a listed record cannot be read: the error and what is wrong in it. */
export function unreadableProblem(err: unknown): string {
  return err instanceof InvalidRecordError ? [err.message, ...err.details].join('; ') : String(err);
}

/** releaseOfConfigMap is the release a record ConfigMap belongs to: its label, else its name. */
function releaseOfConfigMap(cm: V1ConfigMap): string {
  return cm.metadata?.labels?.[RELEASE_LABEL] ?? (cm.metadata?.name ?? '').replace(/^helm-canary-/, '');
}

/** ConfigMapRecordStore is the RecordStore on ConfigMaps named `helm-canary-<release>`. */
export class ConfigMapRecordStore implements RecordStore {
  constructor(private readonly kube: KubeConnection) {}

  /** read returns the record and its resourceVersion, or undefined when the ConfigMap does not exist. */
  async read(namespace: string, release: string): Promise<StoredRecord | undefined> {
    const name = stateObjectName(release);
    const cm = await undefinedWhenNotFound(this.kube.call(`ConfigMap ${namespace}/${name}`, () => this.kube.core.readNamespacedConfigMap({ name, namespace })));
    if (!cm) return undefined;
    return { record: decodeRecord(namespace, release, cm.data?.[RECORD_KEY]), version: cm.metadata?.resourceVersion ?? '' };
  }

  /** write creates (version undefined) or replaces at `version`; ConflictError when someone else wrote first. */
  async write(record: RolloutRecord, version: string | undefined): Promise<string> {
    const { namespace, release } = record;
    const name = stateObjectName(release);
    const what = `ConfigMap ${namespace}/${name}`;
    const body: V1ConfigMap = {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name, namespace, labels: stateLabels(release), ...(version !== undefined ? { resourceVersion: version } : {}) },
      data: { [RECORD_KEY]: encodeRecord(record) },
    };
    try {
      const saved =
        version === undefined
          ? await this.kube.call(what, () => this.kube.core.createNamespacedConfigMap({ namespace, body }))
          : await this.kube.call(what, () => this.kube.core.replaceNamespacedConfigMap({ name, namespace, body }));
      return saved.metadata?.resourceVersion ?? '';
    } catch (err) {
      if (isConflict(err) && version === undefined) {
        throw new ConflictError(`a rollout record for ${namespace}/${release} already exists: another command started a rollout of this release`);
      }
      if (isConflict(err)) {
        throw new ConflictError(`the rollout record of ${namespace}/${release} changed since it was read (another command wrote it); re-read and retry`);
      }
      // Replacing a record someone deleted in between is a lost race too, not a missing object.
      if (isNotFound(err) && version !== undefined && err instanceof NotFoundError) {
        throw new ConflictError(`the rollout record of ${namespace}/${release} was deleted since it was read`);
      }
      throw err;
    }
  }

  /** list returns every readable record in the namespace; ConfigMaps that do not parse are skipped. */
  async list(namespace: string): Promise<RecordListing> {
    const list = await this.kube.call(`ConfigMaps in ${namespace}`, () =>
      this.kube.core.listNamespacedConfigMap({ namespace, labelSelector: `${MANAGED_BY_LABEL}=${MANAGED_BY}` }),
    );
    const records: RolloutRecord[] = [];
    const unreadable: RecordListing['unreadable'] = [];
    for (const cm of list.items) {
      // The Lease carries the same labels but is another kind; a hand-made ConfigMap with our
      // label but no record is not worth failing a listing for.
      if (cm.data?.[RECORD_KEY] === undefined) continue;
      try {
        records.push(parseRecord(cm));
      } catch (err) {
        // One bad record must not hide the others; it is named, with why it cannot be read.
        unreadable.push({ release: releaseOfConfigMap(cm), problem: unreadableProblem(err) });
      }
    }
    return { records: records.sort((a, b) => a.release.localeCompare(b.release)), unreadable };
  }
}
