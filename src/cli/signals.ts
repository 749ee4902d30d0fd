// What a SIGINT (Ctrl-C) or SIGTERM (a cancelled pipeline job) does: run the cleanups registered
// now (give back held leases, so the rollback that usually follows need not wait for them to
// expire), then exit 130 or 143. The rollout record stays as it is; the next command resumes from
// the cluster. Handlers are installed only while a cleanup is registered, so at any other moment
// a signal ends the process as Node's default does.
import type { Lock, ReleaseLock } from '../rollout/ports.js';

type Cleanup = () => Promise<void>;

const cleanups = new Set<Cleanup>();

/** EXIT_ON_SIGNAL is the documented exit code of each signal: 128 + its number. */
const EXIT_ON_SIGNAL = { SIGINT: 130, SIGTERM: 143 } as const;

function onSignal(signal: NodeJS.Signals): void {
  const pending = [...cleanups].map((cleanup) => cleanup().catch(() => undefined));
  void Promise.all(pending).finally(() => process.exit(signal === 'SIGINT' ? EXIT_ON_SIGNAL.SIGINT : EXIT_ON_SIGNAL.SIGTERM));
}

/**
 * onInterrupt registers `cleanup` to run if the process is interrupted, until the returned
 * function is called (the cleanup was done the normal way).
 */
export function onInterrupt(cleanup: Cleanup): () => void {
  if (cleanups.size === 0) {
    // `on`, not `once`: execa's signal-exit re-raises the signal when it finds itself the only
    // listener, which a `once` listener stops being the moment it is called.
    process.on('SIGINT', onSignal);
    process.on('SIGTERM', onSignal);
  }
  cleanups.add(cleanup);
  return () => {
    if (!cleanups.delete(cleanup) || cleanups.size > 0) return;
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  };
}

/**
 * releasedOnInterrupt wraps the ReleaseLock port so a lease held when a signal comes is given back
 * before the process exits: acquiring registers its release here, releasing un-registers it.
 */
export function releasedOnInterrupt(locks: ReleaseLock): ReleaseLock {
  return {
    inspect: (namespace, release) => locks.inspect(namespace, release),
    async acquire(namespace, release, holder, ttlSeconds): Promise<Lock> {
      const lock = await locks.acquire(namespace, release, holder, ttlSeconds);
      const forget = onInterrupt(() => lock.release());
      return {
        holder: lock.holder,
        get lost() {
          return lock.lost;
        },
        release: () => {
          forget();
          return lock.release();
        },
      };
    },
  };
}
