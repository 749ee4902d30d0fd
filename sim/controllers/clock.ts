// Time for the simulated cluster's controllers and mesh. Everything that waits (pod start,
// termination grace, crash-loop back-off, Envoy propagation) goes through a Clock, so tests can
// drive time by hand instead of sleeping, and the cluster runs on the wall clock otherwise.

/** TimerHandle identifies one scheduled callback of a Clock. */
export type TimerHandle = { readonly id: number };

/** Clock tells the time in milliseconds and schedules callbacks. */
export interface Clock {
  now(): number;
  setTimeout(fn: () => void, ms: number): TimerHandle;
  clearTimeout(handle: TimerHandle): void;
}

/** realClock runs on Date.now and Node's timers; its timers never keep the process alive. */
export function realClock(): Clock {
  let next = 1;
  const timers = new Map<number, NodeJS.Timeout>();
  return {
    now: () => Date.now(),
    setTimeout(fn, ms) {
      const id = next++;
      const t = setTimeout(() => {
        timers.delete(id);
        fn();
      }, Math.max(0, ms));
      // A forgotten simulator timer must not hold a test process open.
      t.unref();
      timers.set(id, t);
      return { id };
    },
    clearTimeout(handle) {
      const t = timers.get(handle.id);
      if (t) clearTimeout(t);
      timers.delete(handle.id);
    },
  };
}

/** flushAsync lets queued microtasks and immediates run (the controllers reconcile there). */
export async function flushAsync(rounds = 3): Promise<void> {
  for (let i = 0; i < rounds; i++) await new Promise<void>((resolve) => setImmediate(resolve));
}

/**
 * ManualClock is a Clock that only moves when a test calls `advance`. Due timers fire in time
 * order, and the work they trigger (controller reconciles run on setImmediate) is flushed
 * between two timers, as it would have happened in between on a real clock.
 */
export class ManualClock implements Clock {
  private time: number;
  private seq = 1;
  private readonly timers = new Map<number, { at: number; seq: number; fn: () => void }>();

  constructor(start = 1_700_000_000_000) {
    this.time = start;
  }

  now(): number {
    return this.time;
  }

  setTimeout(fn: () => void, ms: number): TimerHandle {
    const id = this.seq++;
    this.timers.set(id, { at: this.time + Math.max(0, ms), seq: id, fn });
    return { id };
  }

  clearTimeout(handle: TimerHandle): void {
    this.timers.delete(handle.id);
  }

  /** pending is how many timers are scheduled (a quiet cluster has none but crash loops). */
  pending(): number {
    return this.timers.size;
  }

  /** advance moves time forward by `ms`, firing every timer that falls due on the way. */
  async advance(ms: number): Promise<void> {
    const until = this.time + ms;
    await flushAsync();
    for (;;) {
      let due: { id: number; at: number; seq: number; fn: () => void } | undefined;
      for (const [id, t] of this.timers) {
        if (t.at > until) continue;
        if (!due || t.at < due.at || (t.at === due.at && t.seq < due.seq)) due = { id, ...t };
      }
      if (!due) break;
      this.timers.delete(due.id);
      this.time = Math.max(this.time, due.at);
      due.fn();
      await flushAsync();
    }
    this.time = until;
    await flushAsync();
  }
}
