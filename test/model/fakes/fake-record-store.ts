// The RecordStore port in memory, with the ConfigMap's optimistic concurrency: every write names
// the version it read, and a stale or deleted record makes it fail with the kube adapter's
// ConflictError, as the API server's 409 does. Faults: a 409 or 500 answer, the record deleted.
// The record is kept as the text the ConfigMap store writes, and read back through the same
// decoding and validation, so a record the runner could not read again fails here too.
import { ConflictError, KubeApiError } from '../../../src/kube/kube-errors.js';
import { decodeRecord, encodeRecord, unreadableProblem } from '../../../src/kube/record-store.js';
import type { RecordListing, RecordStore, RolloutRecord, StoredRecord } from '../../../src/rollout/ports.js';
import { Killed } from './faults.js';
import type { World } from './world.js';

/** FakeRecordStore keeps the release's one rollout record with an integer version. */
export class FakeRecordStore implements RecordStore {
  private stored: { text: string; version: number } | undefined;
  private lastVersion = 0;

  constructor(private readonly world: World) {}

  /** current is the stored record, read without a port call (for the model's checks). */
  current(): RolloutRecord | undefined {
    if (!this.stored) return undefined;
    const { schemaVersion: _, ...record } = JSON.parse(this.stored.text) as RolloutRecord & { schemaVersion?: number };
    return record;
  }

  /** editByHand replaces the stored text (kubectl edit), valid or not; the version moves as on any write. */
  editByHand(text: string): void {
    this.stored = { text, version: ++this.lastVersion };
  }

  /** deleteRecord is someone deleting the ConfigMap (kubectl delete, a namespace cleanup). */
  deleteRecord(): void {
    this.stored = undefined;
  }

  async read(namespace: string, release: string): Promise<StoredRecord | undefined> {
    this.world.enter('records.read', false);
    this.apiFault('read');
    if (!this.stored || namespace !== this.world.config.namespace || release !== this.world.config.release) return undefined;
    return { record: decodeRecord(namespace, release, this.stored.text), version: String(this.stored.version) };
  }

  async write(record: RolloutRecord, version: string | undefined): Promise<string> {
    const { landKill } = this.world.enter('records.write', true);
    this.apiFault('write');
    const { namespace, release } = record;
    if (version === undefined && this.stored) {
      throw new ConflictError(`a rollout record for ${namespace}/${release} already exists: another command started a rollout of this release`);
    }
    if (version !== undefined && !this.stored) throw new ConflictError(`the rollout record of ${namespace}/${release} was deleted since it was read`);
    if (version !== undefined && version !== String(this.stored!.version)) {
      throw new ConflictError(`the rollout record of ${namespace}/${release} changed since it was read (another command wrote it); re-read and retry`);
    }
    const previous = this.current();
    this.stored = { text: encodeRecord(record), version: ++this.lastVersion };
    this.world.hooks.recordWritten?.(structuredClone(record), previous && structuredClone(previous));
    if (landKill) {
      this.world.die('records.write (landed)');
      throw new Killed('records.write (landed)');
    }
    return String(this.stored.version);
  }

  async list(namespace: string): Promise<RecordListing> {
    this.world.enter('records.list', false);
    this.apiFault('list');
    if (!this.stored || namespace !== this.world.config.namespace) return { records: [], unreadable: [] };
    // As the ConfigMap store: a record that does not read is named, not listed.
    try {
      return { records: [decodeRecord(namespace, this.world.config.release, this.stored.text)], unreadable: [] };
    } catch (err) {
      return { records: [], unreadable: [{ release: this.world.config.release, problem: unreadableProblem(err) }] };
    }
  }

  // apiFault answers the command's record-api fault: 409 on its n-th write, 500 on its n-th call.
  private apiFault(kind: 'read' | 'write' | 'list'): void {
    const c = this.world.command;
    if (!c) return;
    c.recordCalls++;
    const f = c.fault;
    if (f?.kind !== 'record-api' || c.faultStruck !== undefined) return;
    const { namespace, release } = this.world.config;
    if (f.code === 409 && kind === 'write' && c.portCalls['records.write'] === f.atCall) {
      c.faultStruck = `409 on record write ${f.atCall}`;
      throw new ConflictError(`ConfigMap ${namespace}/helm-canary-${release}: Operation cannot be fulfilled: the object has been modified (HTTP 409, injected)`);
    }
    if (f.code === 500 && c.recordCalls === f.atCall) {
      c.faultStruck = `500 on record ${kind} (record call ${f.atCall})`;
      throw new KubeApiError(`ConfigMap ${namespace}/helm-canary-${release}: etcdserver: request timed out (HTTP 500, injected)`, 500);
    }
  }
}
