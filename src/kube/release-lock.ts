// One coordination.k8s.io/v1 Lease per release, held while a command changes the release, so two
// pipelines never move one release at once. Every write is a resourceVersion-checked create or
// replace: when two commands race for the same Lease exactly one write succeeds and the other
// gets a 409, which is reported as the lock being held. A holder renews the Lease every ttl/3;
// a killed holder stops renewing and its Lease expires after ttl, when anyone may take it over.
// Expiry is judged with the caller's clock against the holder's renewTime: holders on machines
// whose clocks disagree by more than the ttl can misjudge each other, as with any Lease.
import { V1MicroTime, type V1Lease, type V1LeaseSpec } from '@kubernetes/client-node';
import type { Lock, LockHolder, ReleaseLock } from '../rollout/ports.js';
import type { KubeConnection } from './kube-context.js';
import { LockHeldError, isConflict, isNotFound, undefinedWhenNotFound } from './kube-errors.js';
import { stateLabels, stateObjectName } from './object-names.js';

/** NowClock is the part of a clock the lock needs: the time, for expiry checks and timestamps. */
export interface NowClock {
  now(): Date;
}

/** LeaseLockOptions tune a LeaseReleaseLock; all optional. */
export interface LeaseLockOptions {
  clock?: NowClock;
  /** Renew this often instead of every ttl/3 (tests). */
  renewIntervalMs?: number;
  /** Called once when a held lease turns out to be taken by someone else (or deleted). */
  onLost?(reason: string): void;
}

/** formatMicroTime renders a Lease MicroTime: RFC 3339 with six fractional digits, UTC. */
export function formatMicroTime(date: Date): string {
  return date.toISOString().replace(/\.(\d{3})Z$/, '.$1000Z');
}

// microTime builds the client's MicroTime value: a plain Date would serialise with
// milliseconds only, which the API server rejects for MicroTime fields.
function microTime(date: Date): V1MicroTime {
  return new V1MicroTime(date.getTime());
}

// timeOf reads a MicroTime field. client-node (1.4 and 2.0) types it as a Date but, having no
// deserialiser for V1MicroTime, hands back the JSON string; accept both.
function timeOf(value: unknown): Date | undefined {
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? undefined : value;
  if (typeof value === 'string' && value) {
    const d = new Date(value);
    return Number.isNaN(d.getTime()) ? undefined : d;
  }
  return undefined;
}

/** leaseExpiry is when a Lease lapses: renewTime (else acquireTime) plus leaseDurationSeconds; undefined when unknowable. */
export function leaseExpiry(spec: V1LeaseSpec | undefined): Date | undefined {
  const last = timeOf(spec?.renewTime) ?? timeOf(spec?.acquireTime);
  const ttl = spec?.leaseDurationSeconds;
  if (!last || typeof ttl !== 'number') return undefined;
  return new Date(last.getTime() + ttl * 1000);
}

/** liveHolder returns the Lease's holder when it holds the Lease at `now`, else undefined (released or expired). */
export function liveHolder(spec: V1LeaseSpec | undefined, now: Date): LockHolder | undefined {
  const holder = spec?.holderIdentity;
  if (!holder) return undefined;
  const expires = leaseExpiry(spec);
  // A Lease with a holder but no times cannot be judged; treating it as expired avoids a
  // release locked forever by a malformed Lease.
  if (!expires || expires.getTime() <= now.getTime()) return undefined;
  return {
    holder,
    acquiredAt: timeOf(spec?.acquireTime)?.toISOString(),
    renewedAt: timeOf(spec?.renewTime)?.toISOString(),
    expiresAt: expires.toISOString(),
  };
}

/** LeaseReleaseLock is the ReleaseLock on Leases named `helm-canary-<release>`. */
export class LeaseReleaseLock implements ReleaseLock {
  private readonly clock: NowClock;

  constructor(
    private readonly kube: KubeConnection,
    private readonly options: LeaseLockOptions = {},
  ) {
    this.clock = options.clock ?? { now: () => new Date() };
  }

  /** acquire creates the Lease, or takes over a released or expired one; LockHeldError when another holder's is live. */
  async acquire(namespace: string, release: string, holder: string, ttlSeconds: number): Promise<HeldLease> {
    if (!Number.isInteger(ttlSeconds) || ttlSeconds < 1) throw new RangeError(`lease ttl must be a whole number of seconds >= 1, got ${ttlSeconds}`);
    const name = stateObjectName(release);
    const existing = await this.readLease(namespace, name);
    const now = this.clock.now();

    if (!existing) {
      const body: V1Lease = {
        apiVersion: 'coordination.k8s.io/v1',
        kind: 'Lease',
        metadata: { name, namespace, labels: stateLabels(release) },
        spec: { holderIdentity: holder, leaseDurationSeconds: ttlSeconds, acquireTime: microTime(now), renewTime: microTime(now), leaseTransitions: 0 },
      };
      try {
        const created = await this.kube.call(`Lease ${namespace}/${name}`, () => this.kube.coordination.createNamespacedLease({ namespace, body }));
        return this.held(created, namespace, release, holder, ttlSeconds);
      } catch (err) {
        // Someone created it between our read and our create: they won.
        if (isConflict(err)) throw await this.heldError(namespace, release);
        throw err;
      }
    }

    const current = liveHolder(existing.spec, now);
    if (current && current.holder !== holder) {
      throw new LockHeldError(release, namespace, current.holder, current.expiresAt);
    }
    // Released, expired, or already ours (a retry by the same holder): take it with a replace
    // that fails if anyone wrote the Lease since we read it.
    const ours = existing.spec?.holderIdentity === holder && current !== undefined;
    const body: V1Lease = {
      ...existing,
      metadata: { ...existing.metadata, labels: { ...existing.metadata?.labels, ...stateLabels(release) } },
      spec: {
        ...existing.spec,
        holderIdentity: holder,
        leaseDurationSeconds: ttlSeconds,
        acquireTime: ours ? (existing.spec?.acquireTime ?? microTime(now)) : microTime(now),
        renewTime: microTime(now),
        leaseTransitions: (existing.spec?.leaseTransitions ?? 0) + (ours ? 0 : 1),
      },
    };
    try {
      const replaced = await this.kube.call(`Lease ${namespace}/${name}`, () =>
        this.kube.coordination.replaceNamespacedLease({ name, namespace, body }),
      );
      return this.held(replaced, namespace, release, holder, ttlSeconds);
    } catch (err) {
      if (isConflict(err) || isNotFound(err)) throw await this.heldError(namespace, release);
      throw err;
    }
  }

  /** inspect returns the live holder of the release's Lease, or undefined when none holds it (absent, released, expired). */
  async inspect(namespace: string, release: string): Promise<LockHolder | undefined> {
    const lease = await this.readLease(namespace, stateObjectName(release));
    return liveHolder(lease?.spec, this.clock.now());
  }

  /** readLease reads a Lease, undefined when it does not exist. */
  async readLease(namespace: string, name: string): Promise<V1Lease | undefined> {
    return undefinedWhenNotFound(this.kube.call(`Lease ${namespace}/${name}`, () => this.kube.coordination.readNamespacedLease({ name, namespace })));
  }

  // heldError re-reads the Lease after a lost race to name whoever won it.
  private async heldError(namespace: string, release: string): Promise<LockHeldError> {
    const lease = await this.readLease(namespace, stateObjectName(release)).catch(() => undefined);
    const holder = lease?.spec?.holderIdentity || 'another command (it changed while we tried to take it)';
    return new LockHeldError(release, namespace, holder, leaseExpiry(lease?.spec)?.toISOString());
  }

  private held(lease: V1Lease, namespace: string, release: string, holder: string, ttlSeconds: number): HeldLease {
    const intervalMs = this.options.renewIntervalMs ?? Math.max(1, Math.floor((ttlSeconds * 1000) / 3));
    return new HeldLease(this.kube, this.clock, lease, { namespace, release, holder, intervalMs, onLost: this.options.onLost });
  }
}

/** HeldLease is an acquired Lease: it renews itself until `release()`, and notices when it was lost. */
export class HeldLease implements Lock {
  /** holder is the identity written into the Lease. */
  readonly holder: string;
  private lease: V1Lease;
  private timer: NodeJS.Timeout | undefined;
  private inFlight: Promise<void> | undefined;
  private released = false;
  private lostReason: string | undefined;
  private readonly name: string;

  constructor(
    private readonly kube: KubeConnection,
    private readonly clock: NowClock,
    lease: V1Lease,
    private readonly opts: { namespace: string; release: string; holder: string; intervalMs: number; onLost?(reason: string): void },
  ) {
    this.holder = opts.holder;
    this.lease = lease;
    this.name = stateObjectName(opts.release);
    // Renewal must never keep the process alive: a finished command exits and its Lease lapses.
    this.timer = setInterval(() => void this.renewSoon(), opts.intervalMs);
    this.timer.unref();
  }

  /** lost is the reason the Lease was lost (taken over or deleted), or undefined while it is held. */
  get lost(): string | undefined {
    return this.lostReason;
  }

  /** expiresAt is when the Lease lapses unless renewed again. */
  get expiresAt(): Date | undefined {
    return leaseExpiry(this.lease.spec);
  }

  // renewSoon runs one renewal unless one is running; failures wait for the next tick.
  private renewSoon(): Promise<void> {
    this.inFlight ??= this.renew()
      .catch(() => undefined)
      .finally(() => {
        this.inFlight = undefined;
      });
    return this.inFlight;
  }

  /** renew writes a fresh renewTime now; throws on network errors, marks the lock lost when someone else took it. */
  async renew(): Promise<void> {
    if (this.released || this.lostReason) return;
    for (let attempt = 0; attempt < 2; attempt++) {
      const spec = { ...this.lease.spec, holderIdentity: this.holder, renewTime: microTime(this.clock.now()) };
      try {
        this.lease = await this.replace({ ...this.lease, spec });
        return;
      } catch (err) {
        if (isNotFound(err)) return this.markLost('the Lease was deleted');
        if (!isConflict(err)) throw err;
        // Someone wrote the Lease: still ours (e.g. a label edit) -> retry on the new version.
        const fresh = await this.read();
        if (!fresh) return this.markLost('the Lease was deleted');
        if (fresh.spec?.holderIdentity !== this.holder) {
          return this.markLost(`the Lease was taken by ${fresh.spec?.holderIdentity || 'nobody (released)'}`);
        }
        this.lease = fresh;
      }
    }
  }

  /** release stops renewing and clears holderIdentity so the next command need not wait for expiry. */
  async release(): Promise<void> {
    if (this.released) return;
    this.released = true;
    clearInterval(this.timer);
    this.timer = undefined;
    await this.inFlight;
    if (this.lostReason) return;
    for (let attempt = 0; attempt < 2; attempt++) {
      const { holderIdentity: _dropped, ...rest } = this.lease.spec ?? {};
      const spec: V1LeaseSpec = { ...rest, renewTime: microTime(this.clock.now()) };
      try {
        this.lease = await this.replace({ ...this.lease, spec });
        return;
      } catch (err) {
        if (isNotFound(err)) return;
        if (!isConflict(err)) throw err;
        const fresh = await this.read();
        if (!fresh || fresh.spec?.holderIdentity !== this.holder) return;
        this.lease = fresh;
      }
    }
  }

  private markLost(reason: string): void {
    this.lostReason = reason;
    clearInterval(this.timer);
    this.timer = undefined;
    this.opts.onLost?.(reason);
  }

  private replace(body: V1Lease): Promise<V1Lease> {
    const { namespace } = this.opts;
    return this.kube.call(`Lease ${namespace}/${this.name}`, () =>
      this.kube.coordination.replaceNamespacedLease({ name: this.name, namespace, body }),
    );
  }

  private async read(): Promise<V1Lease | undefined> {
    const { namespace } = this.opts;
    return undefinedWhenNotFound(this.kube.call(`Lease ${namespace}/${this.name}`, () => this.kube.coordination.readNamespacedLease({ name: this.name, namespace })));
  }
}
