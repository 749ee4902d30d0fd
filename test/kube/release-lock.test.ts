import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Cluster } from '../../sim/cluster.js';
import { KINDS } from '../../sim/store/resources.js';
import type { KubeConnection } from '../../src/kube/kube-context.js';
import { LockHeldError } from '../../src/kube/kube-errors.js';
import { LeaseReleaseLock, formatMicroTime, leaseExpiry, liveHolder } from '../../src/kube/release-lock.js';
import { startKube } from './fixtures.js';

// A clock the test moves by hand: expiry is judged with it, never with real time.
function fakeClock(start = '2026-03-01T12:00:00.000Z') {
  let t = new Date(start).getTime();
  return { now: () => new Date(t), advance: (seconds: number) => void (t += seconds * 1000) };
}

const leaseSpec = (cluster: Cluster, ns: string, release: string) =>
  cluster.store.get(KINDS.lease, ns, `helm-canary-${release}`)?.spec as Record<string, unknown> | undefined;

// waitFor polls a condition (bounded, not a timing assertion) for the renewal timer test.
async function waitFor(cond: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 200 && !cond(); i++) await new Promise((r) => setTimeout(r, 10));
  assert.ok(cond(), what);
}

describe('lease helpers', () => {
  it('formats MicroTime with six fractional digits', () => {
    assert.equal(formatMicroTime(new Date('2026-11-24T08:00:00.000Z')), '2026-11-24T08:00:00.000000Z');
    assert.equal(formatMicroTime(new Date('2026-11-24T08:00:00.123Z')), '2026-11-24T08:00:00.123000Z');
  });
  it('judges expiry from renewTime plus the duration', () => {
    const spec = { holderIdentity: 'a', leaseDurationSeconds: 30, renewTime: '2026-01-01T00:00:00.000000Z' as never };
    assert.equal(leaseExpiry(spec)?.toISOString(), '2026-01-01T00:00:30.000Z');
    assert.equal(liveHolder(spec, new Date('2026-01-01T00:00:29Z'))?.holder, 'a');
    assert.equal(liveHolder(spec, new Date('2026-01-01T00:00:30Z')), undefined);
    assert.equal(liveHolder({ ...spec, holderIdentity: '' }, new Date('2026-01-01T00:00:00Z')), undefined);
    assert.equal(liveHolder({ holderIdentity: 'a' }, new Date()), undefined);
  });
});

describe('LeaseReleaseLock', () => {
  let cluster: Cluster;
  let kube: KubeConnection;
  before(async () => {
    ({ cluster, kube } = await startKube(['apps']));
  });
  after(() => cluster?.stop());

  it('creates the Lease with holder, duration and MicroTime stamps, and releases it', async () => {
    const clock = fakeClock();
    const locks = new LeaseReleaseLock(kube, { clock });
    const lock = await locks.acquire('apps', 'web', 'ci@runner-1', 30);
    assert.equal(lock.holder, 'ci@runner-1');
    const spec = leaseSpec(cluster, 'apps', 'web')!;
    assert.equal(spec.holderIdentity, 'ci@runner-1');
    assert.equal(spec.leaseDurationSeconds, 30);
    assert.equal(spec.acquireTime, '2026-03-01T12:00:00.000000Z');
    assert.equal(spec.renewTime, '2026-03-01T12:00:00.000000Z');
    const labels = cluster.store.get(KINDS.lease, 'apps', 'helm-canary-web')!.metadata.labels;
    assert.equal(labels?.['helm-canary/release'], 'web');
    assert.deepEqual(await locks.inspect('apps', 'web'), {
      holder: 'ci@runner-1',
      acquiredAt: '2026-03-01T12:00:00.000Z',
      renewedAt: '2026-03-01T12:00:00.000Z',
      expiresAt: '2026-03-01T12:00:30.000Z',
    });

    await lock.release();
    assert.equal(leaseSpec(cluster, 'apps', 'web')!.holderIdentity, undefined);
    assert.equal(await locks.inspect('apps', 'web'), undefined);
    // A released Lease is taken at once by the next command.
    const again = await locks.acquire('apps', 'web', 'ci@runner-2', 30);
    assert.equal(leaseSpec(cluster, 'apps', 'web')!.holderIdentity, 'ci@runner-2');
    assert.equal(leaseSpec(cluster, 'apps', 'web')!.leaseTransitions, 1);
    await again.release();
  });

  it('refuses a live Lease of another holder, naming it and its expiry', async () => {
    const clock = fakeClock();
    const locks = new LeaseReleaseLock(kube, { clock });
    const first = await locks.acquire('apps', 'held', 'alice@laptop', 60);
    clock.advance(59);
    await assert.rejects(locks.acquire('apps', 'held', 'bob@ci', 60), (err: unknown) => {
      assert.ok(err instanceof LockHeldError);
      assert.equal(err.holder, 'alice@laptop');
      assert.equal(err.expiresAt, '2026-03-01T12:01:00.000Z');
      assert.match(err.message, /apps\/held is locked by alice@laptop until 2026-03-01T12:01:00.000Z/);
      return true;
    });
    await first.release();
  });

  it('takes over an expired Lease (a killed holder) and the old holder notices it lost it', async () => {
    const clock = fakeClock();
    const lost: string[] = [];
    const locks = new LeaseReleaseLock(kube, { clock, onLost: (r) => lost.push(r) });
    const killed = await locks.acquire('apps', 'expired', 'killed@ci', 15);
    clock.advance(16);
    const taker = await locks.acquire('apps', 'expired', 'rollback@ci', 15);
    const spec = leaseSpec(cluster, 'apps', 'expired')!;
    assert.equal(spec.holderIdentity, 'rollback@ci');
    assert.equal(spec.acquireTime, '2026-03-01T12:00:16.000000Z');
    assert.equal(spec.leaseTransitions, 1);

    await killed.renew();
    assert.match(killed.lost ?? '', /taken by rollback@ci/);
    assert.equal(lost.length, 1);
    // Releasing a lost lock must not clear the new holder's Lease.
    await killed.release();
    assert.equal(leaseSpec(cluster, 'apps', 'expired')!.holderIdentity, 'rollback@ci');
    await taker.release();
  });

  it('lets exactly one of two concurrent acquires win', async () => {
    const locks = new LeaseReleaseLock(kube, { clock: fakeClock() });
    const results = await Promise.allSettled([locks.acquire('apps', 'race', 'one', 30), locks.acquire('apps', 'race', 'two', 30)]);
    const won = results.filter((r) => r.status === 'fulfilled');
    const lost = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
    assert.equal(won.length, 1);
    assert.ok(lost[0]!.reason instanceof LockHeldError);
    const winner = (won[0] as PromiseFulfilledResult<Awaited<ReturnType<typeof locks.acquire>>>).value;
    assert.equal(lost[0]!.reason.holder, winner.holder);
    await winner.release();
  });

  it('renews: renewTime moves with the clock, so the Lease stays live past its first expiry', async () => {
    const clock = fakeClock();
    const locks = new LeaseReleaseLock(kube, { clock });
    const lock = await locks.acquire('apps', 'renew', 'long@ci', 30);
    clock.advance(20);
    await lock.renew();
    assert.equal(leaseSpec(cluster, 'apps', 'renew')!.renewTime, '2026-03-01T12:00:20.000000Z');
    assert.equal(leaseSpec(cluster, 'apps', 'renew')!.acquireTime, '2026-03-01T12:00:00.000000Z');
    clock.advance(20); // 40 s after acquire: alive only because it was renewed
    await assert.rejects(locks.acquire('apps', 'renew', 'other@ci', 30), LockHeldError);
    await lock.release();
  });

  it('renews on its own timer until released', async () => {
    const clock = fakeClock();
    const locks = new LeaseReleaseLock(kube, { clock, renewIntervalMs: 5 });
    const lock = await locks.acquire('apps', 'timer', 'timer@ci', 30);
    clock.advance(7);
    await waitFor(() => leaseSpec(cluster, 'apps', 'timer')!.renewTime === '2026-03-01T12:00:07.000000Z', 'the timer renewed the Lease');
    await lock.release();
    const released = leaseSpec(cluster, 'apps', 'timer')!;
    clock.advance(7);
    await new Promise((r) => setTimeout(r, 30));
    assert.deepEqual(leaseSpec(cluster, 'apps', 'timer'), released, 'no renewal after release');
  });

  it('re-acquiring by the same holder keeps the Lease', async () => {
    const locks = new LeaseReleaseLock(kube, { clock: fakeClock() });
    const a = await locks.acquire('apps', 'same', 'me', 30);
    const b = await locks.acquire('apps', 'same', 'me', 30);
    assert.equal(leaseSpec(cluster, 'apps', 'same')!.leaseTransitions, 0);
    await a.release();
    await b.release();
  });
});
