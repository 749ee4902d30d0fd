// A time-stamped history of objects, so the mesh can answer "what did Envoy know at time t":
// configuration and endpoints reach the proxies a propagation delay after they change, so a
// request at `now` is routed by the state as it was at `now - delay`.

interface Entry<T> {
  at: number;
  value: T | undefined; // undefined: the object was deleted at `at`
}

/** History keeps, per key, the values it had over time, forgetting what nobody can see any more. */
export class History<T> {
  private readonly timelines = new Map<string, Entry<T>[]>();

  /** record notes the key's value (undefined for a deletion) from time `at` on. */
  record(key: string, at: number, value: T | undefined): void {
    let line = this.timelines.get(key);
    if (!line) {
      line = [];
      this.timelines.set(key, line);
    }
    line.push({ at, value });
  }

  /** latest is the key's newest value (what the cluster holds now). */
  latest(key: string): T | undefined {
    const line = this.timelines.get(key);
    return line?.[line.length - 1]?.value;
  }

  /** at returns every key's value as it was at time t (deleted or not yet created: absent). */
  at(t: number): Map<string, T> {
    const out = new Map<string, T>();
    for (const [key, line] of this.timelines) {
      let value: T | undefined;
      for (const e of line) {
        if (e.at > t) break;
        value = e.value;
      }
      if (value !== undefined) out.set(key, value);
    }
    return out;
  }

  /** prune drops entries older than what time `horizon` still needs, bounding memory. */
  prune(horizon: number): void {
    for (const [key, line] of this.timelines) {
      let keepFrom = 0;
      for (let i = 0; i < line.length; i++) if (line[i]!.at <= horizon) keepFrom = i;
      if (keepFrom > 0) line.splice(0, keepFrom);
      if (line.length === 1 && line[0]!.value === undefined && line[0]!.at <= horizon) this.timelines.delete(key);
    }
  }
}
