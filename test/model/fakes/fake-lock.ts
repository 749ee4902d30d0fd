// The ReleaseLock port on fake time: one lease per release with a TTL. A holder renews it while
// its process lives; when the process exits without releasing (a kill) the lease expires ttl
// later and anyone may take it over. Faults: the lease deleted, or taken by another holder.
import { LockHeldError } from '../../../src/kube/kube-errors.js';
import type { Lock, LockHolder, ReleaseLock } from '../../../src/rollout/ports.js';
import { Killed } from './faults.js';
import type { World } from './world.js';

/** INTRUDER is the holder a "lease taken" fault installs: another pipeline that got the lease. */
export const INTRUDER = 'someone-else@other-runner/4242';

interface Lease {
  holder: string | undefined;
  ttlSeconds: number;
  acquiredAt: number;
  renewedAt: number;
  /** True while the holder's process runs and renews it (renewedAt is then "now"). */
  renewing: boolean;
}

/** FakeLock holds the release's lease. */
export class FakeLock implements ReleaseLock {
  private lease: Lease | undefined;

  constructor(private readonly world: World) {}

  /** liveHolder is who holds the lease now, if anyone (read without a port call, for checks). */
  liveHolder(): LockHolder | undefined {
    const l = this.lease;
    if (!l?.holder) return undefined;
    const renewedAt = l.renewing ? this.world.time : l.renewedAt;
    const expiresAt = renewedAt + l.ttlSeconds * 1000;
    if (expiresAt <= this.world.time) return undefined;
    const iso = (t: number) => new Date(t).toISOString();
    return { holder: l.holder, acquiredAt: iso(l.acquiredAt), renewedAt: iso(renewedAt), expiresAt: iso(expiresAt) };
  }

  /** holderExited stops renewal for `holder`: its process is gone (normally or killed). */
  holderExited(holder: string): void {
    const l = this.lease;
    if (l?.holder === holder && l.renewing) {
      l.renewing = false;
      l.renewedAt = this.world.time;
    }
  }

  /** releasedBySignal is the runner's SIGINT/SIGTERM handler giving the lease back as the process exits. */
  releasedBySignal(holder: string): void {
    if (this.lease?.holder === holder) this.lease = { ...this.lease, holder: undefined, renewing: false, renewedAt: this.world.time };
  }

  /** heldBy tells whether `holder` holds the lease now (for the model's checks; no port call). */
  heldBy(holder: string): boolean {
    return this.lease?.holder === holder;
  }

  /** lose is the lease-lost fault: deleted, or taken by another holder that then never renews it. */
  lose(how: 'deleted' | 'taken'): void {
    const ttlSeconds = this.lease?.ttlSeconds ?? this.world.config.lockTtlSeconds;
    this.lease = how === 'deleted' ? undefined : { holder: INTRUDER, ttlSeconds, acquiredAt: this.world.time, renewedAt: this.world.time, renewing: false };
  }

  async acquire(namespace: string, release: string, holder: string, ttlSeconds: number): Promise<Lock> {
    const { landKill } = this.world.enter('lock.acquire', true);
    const current = this.liveHolder();
    if (current && current.holder !== holder) throw new LockHeldError(release, namespace, current.holder, current.expiresAt);
    const now = this.world.time;
    this.lease = { holder, ttlSeconds, acquiredAt: now, renewedAt: now, renewing: true };
    if (landKill) {
      this.world.die('lock.acquire (landed)');
      throw new Killed('lock.acquire (landed)');
    }
    return this.handle(holder);
  }

  async inspect(_namespace: string, _release: string): Promise<LockHolder | undefined> {
    this.world.enter('lock.inspect', false);
    return this.liveHolder();
  }

  private handle(holder: string): Lock & { readonly lost: string | undefined } {
    const lock = this;
    let released = false;
    return {
      holder,
      get lost() {
        return lock.lease?.holder === holder ? undefined : lock.lease ? `the lease was taken by ${lock.lease.holder ?? 'nobody'}` : 'the lease was deleted';
      },
      async release() {
        const { landKill } = lock.world.enter('lock.release', true);
        if (!released && lock.lease?.holder === holder) {
          lock.lease = { ...lock.lease, holder: undefined, renewing: false, renewedAt: lock.world.time };
        }
        released = true;
        if (landKill) {
          lock.world.die('lock.release (landed)');
          throw new Killed('lock.release (landed)');
        }
      },
    };
  }
}
