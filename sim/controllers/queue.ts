// A coalescing work queue, as client-go's workqueue gives the real controllers. Store events
// arrive synchronously inside whoever wrote (often the API server mid-request); reconciling
// right there would interleave our writes with the writer's and deliver watch events out of
// order, so keys are queued and drained on a microtask, after the writer's call returned but
// before any I/O: a `helm --wait` that checks right after its apply already sees the result.

/** WorkQueue runs `reconcile` once per queued key, coalescing repeats, until nothing is left. */
export class WorkQueue {
  private readonly keys = new Set<string>();
  private scheduled = false;
  private stopped = false;

  constructor(
    private readonly reconcile: (key: string) => void,
    private readonly onError: (key: string, err: unknown) => void,
    // A controller that keeps requeueing itself is a bug; stop it from hanging the process.
    private readonly maxPerDrain = 20_000,
  ) {}

  /** add queues a key; the drain starts on the next microtask. */
  add(key: string): void {
    if (this.stopped) return;
    this.keys.add(key);
    if (!this.scheduled) {
      this.scheduled = true;
      queueMicrotask(() => this.drain());
    }
  }

  /** stop drops queued keys and ignores later ones. */
  stop(): void {
    this.stopped = true;
    this.keys.clear();
  }

  private drain(): void {
    let n = 0;
    try {
      while (!this.stopped && this.keys.size > 0) {
        const key = this.keys.values().next().value as string;
        this.keys.delete(key);
        if (++n > this.maxPerDrain) {
          this.onError(key, new Error(`work queue did not settle after ${this.maxPerDrain} reconciles`));
          this.keys.clear();
          break;
        }
        try {
          this.reconcile(key);
        } catch (err) {
          this.onError(key, err);
        }
      }
    } finally {
      this.scheduled = false;
    }
  }
}

/** objectKey names a namespaced object in a queue. */
export function objectKey(namespace: string | undefined, name: string): string {
  return `${namespace ?? ''}/${name}`;
}

/** splitKey is the inverse of objectKey. */
export function splitKey(key: string): { namespace: string; name: string } {
  const i = key.indexOf('/');
  return { namespace: key.slice(0, i), name: key.slice(i + 1) };
}
