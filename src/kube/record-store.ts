// The rollout record lives in a ConfigMap in the release's namespace, so any machine with
// cluster access can continue, inspect or roll back a rollout. Writes are optimistic: the
// ConfigMap's resourceVersion is the record's version, and the API server refuses (409) a
// replace based on a stale one, which is how two writers find out about each other.
import type { V1ConfigMap } from '@kubernetes/client-node';
import type { RecordStore, RolloutRecord, StoredRecord } from '../rollout/ports.js';
import type { KubeConnection } from './kube-context.js';
import { ConflictError, InvalidRecordError, NotFoundError, isConflict, isNotFound } from './kube-errors.js';
import { MANAGED_BY, MANAGED_BY_LABEL, stateLabels, stateObjectName } from './object-names.js';

/** RECORD_KEY is the ConfigMap data key holding the record as JSON. */
export const RECORD_KEY = 'record.json';

/** parseRecord decodes a record ConfigMap; throws InvalidRecordError when it is not one. */
export function parseRecord(cm: V1ConfigMap): RolloutRecord {
  const where = `ConfigMap ${cm.metadata?.namespace}/${cm.metadata?.name}`;
  const text = cm.data?.[RECORD_KEY];
  if (text === undefined) throw new InvalidRecordError(`${where} has no ${RECORD_KEY}`);
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new InvalidRecordError(`${where}: ${RECORD_KEY} is not valid JSON`);
  }
  const r = value as Partial<RolloutRecord> | null;
  // A shallow check: enough to refuse something that is not our record at all.
  if (!r || typeof r !== 'object' || typeof r.release !== 'string' || typeof r.stage !== 'number' || !Array.isArray(r.history)) {
    throw new InvalidRecordError(`${where}: ${RECORD_KEY} is not a helm-canary rollout record`);
  }
  return r as RolloutRecord;
}

/** ConfigMapRecordStore is the RecordStore on ConfigMaps named `helm-canary-<release>`. */
export class ConfigMapRecordStore implements RecordStore {
  constructor(private readonly kube: KubeConnection) {}

  /** read returns the record and its resourceVersion, or undefined when the ConfigMap does not exist. */
  async read(namespace: string, release: string): Promise<StoredRecord | undefined> {
    const name = stateObjectName(release);
    let cm: V1ConfigMap;
    try {
      cm = await this.kube.call(`ConfigMap ${namespace}/${name}`, () => this.kube.core.readNamespacedConfigMap({ name, namespace }));
    } catch (err) {
      if (isNotFound(err)) return undefined;
      throw err;
    }
    return { record: parseRecord(cm), version: cm.metadata?.resourceVersion ?? '' };
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
      data: { [RECORD_KEY]: JSON.stringify(record, null, 2) },
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
  async list(namespace: string): Promise<RolloutRecord[]> {
    const list = await this.kube.call(`ConfigMaps in ${namespace}`, () =>
      this.kube.core.listNamespacedConfigMap({ namespace, labelSelector: `${MANAGED_BY_LABEL}=${MANAGED_BY}` }),
    );
    const records: RolloutRecord[] = [];
    for (const cm of list.items) {
      // The Lease carries the same labels but is another kind; a hand-made ConfigMap with our
      // label but no record is not worth failing a listing for.
      if (cm.data?.[RECORD_KEY] === undefined) continue;
      try {
        records.push(parseRecord(cm));
      } catch {
        continue;
      }
    }
    return records.sort((a, b) => a.release.localeCompare(b.release));
  }
}
