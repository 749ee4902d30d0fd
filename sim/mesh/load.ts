// A load generator for tests and the demo: N requests per second through the mesh model,
// in-process (no sockets), counting where each went. It is bounded (it stops itself after
// `durationMs` or `maxRequests`) and keeps one compact record per request, so a test can ask
// exact questions about a period ("the canary's share since the weight changed", "no failure
// during stage 2").
import { realClock } from '../controllers/clock.js';
import type { Clock, TimerHandle } from '../controllers/clock.js';
import type { RouteFailureReason, RouteResult } from './mesh.js';

/** Router is what the load generator sends requests through (a Mesh). */
export interface Router {
  route(host?: string): RouteResult;
}

/** LoadOptions configure one load run. */
export interface LoadOptions {
  mesh: Router;
  ratePerSecond: number;
  host?: string;
  /** Stops itself after this long. Default 60 s, at most 30 minutes. */
  durationMs?: number;
  /** Stops itself after this many requests. Default 1,000,000. */
  maxRequests?: number;
  /** Width of the report's time windows. Default 1000 ms. */
  windowMs?: number;
  /** How often requests are sent (the rate is kept on average). Default 10 ms. */
  tickMs?: number;
  clock?: Clock;
}

/** NO_SUBSET is the subset name counted for requests routed without a VirtualService subset. */
export const NO_SUBSET = '(none)';

/** TrafficCounts totals the requests of a period. */
export interface TrafficCounts {
  total: number;
  ok: number;
  failed: number;
  /** Requests per subset the route picked, failed ones included. */
  bySubset: Record<string, number>;
  /** Successful requests per version (the answering pod's image tag). */
  byVersion: Record<string, number>;
  /** Failed requests per reason. */
  failures: Partial<Record<RouteFailureReason, number>>;
  /** Failed requests per subset. */
  failuresBySubset: Record<string, number>;
}

/** TrafficWindow is the counts of one time window [start, end). */
export interface TrafficWindow extends TrafficCounts {
  start: number;
  end: number;
}

/** LoadReport is everything a load run has counted so far. */
export interface LoadReport extends TrafficCounts {
  startedAt: number;
  /** When it stopped, or the time of the snapshot while it still runs. */
  endedAt: number;
  running: boolean;
  /** Why it stopped: 'stopped' (by stop()), 'duration', 'maxRequests'; absent while running. */
  stopReason?: 'stopped' | 'duration' | 'maxRequests';
  windows: TrafficWindow[];
}

/** LoadGenerator is a running load. */
export interface LoadGenerator {
  /** stop ends the load now and returns the final report. */
  stop(): LoadReport;
  /** snapshot reports what has been counted so far, the load keeps going. */
  snapshot(): LoadReport;
  /** between counts the requests sent in [from, to) (to: now when absent). */
  between(from: number, to?: number): TrafficCounts;
  /** since counts the requests sent from time t on. */
  since(t: number): TrafficCounts;
  /** done resolves with the final report when the load stops, however it stops. */
  readonly done: Promise<LoadReport>;
}

const MAX_DURATION_MS = 30 * 60_000;

function emptyCounts(): TrafficCounts {
  return { total: 0, ok: 0, failed: 0, bySubset: {}, byVersion: {}, failures: {}, failuresBySubset: {} };
}

function bump(map: Record<string, number>, key: string): void {
  map[key] = (map[key] ?? 0) + 1;
}

/** startLoad starts sending requests at `ratePerSecond` through the mesh. */
export function startLoad(options: LoadOptions): LoadGenerator {
  const clock = options.clock ?? realClock();
  const rate = Math.max(0, options.ratePerSecond);
  const durationMs = Math.min(MAX_DURATION_MS, Math.max(0, options.durationMs ?? 60_000));
  const maxRequests = Math.max(0, options.maxRequests ?? 1_000_000);
  const windowMs = Math.max(1, options.windowMs ?? 1000);
  const tickMs = Math.max(1, options.tickMs ?? 10);
  const startedAt = clock.now();

  // One record per request: its time and an index into the distinct outcomes seen.
  const times: number[] = [];
  const codes: number[] = [];
  const outcomes: { ok: boolean; subset: string; version?: string; reason?: RouteFailureReason }[] = [];
  const outcomeIndex = new Map<string, number>();

  let timer: TimerHandle | undefined;
  let endedAt: number | undefined;
  let stopReason: LoadReport['stopReason'];
  let resolveDone!: (r: LoadReport) => void;
  const done = new Promise<LoadReport>((resolve) => {
    resolveDone = resolve;
  });

  const record = (at: number, result: RouteResult): void => {
    const subset = result.subset ?? NO_SUBSET;
    const key = result.ok ? `ok|${subset}|${result.version}` : `fail|${subset}|${result.reason}`;
    let code = outcomeIndex.get(key);
    if (code === undefined) {
      code = outcomes.length;
      outcomes.push(result.ok ? { ok: true, subset, version: result.version } : { ok: false, subset, reason: result.reason });
      outcomeIndex.set(key, code);
    }
    times.push(at);
    codes.push(code);
  };

  const count = (from: number, to: number): TrafficCounts => {
    const c = emptyCounts();
    for (let i = 0; i < times.length; i++) {
      const t = times[i]!;
      if (t < from || t >= to) continue;
      const o = outcomes[codes[i]!]!;
      c.total++;
      bump(c.bySubset, o.subset);
      if (o.ok) {
        c.ok++;
        bump(c.byVersion, o.version!);
      } else {
        c.failed++;
        bump(c.failures as Record<string, number>, o.reason!);
        bump(c.failuresBySubset, o.subset);
      }
    }
    return c;
  };

  const report = (): LoadReport => {
    const end = endedAt ?? clock.now();
    const windows: TrafficWindow[] = [];
    for (let start = startedAt; start < end || windows.length === 0; start += windowMs) {
      const stop = Math.min(start + windowMs, end);
      windows.push({ start, end: stop, ...count(start, stop === end ? Infinity : stop) });
      if (stop >= end) break;
    }
    return { startedAt, endedAt: end, running: endedAt === undefined, ...(stopReason ? { stopReason } : {}), ...count(-Infinity, Infinity), windows };
  };

  const finish = (reason: NonNullable<LoadReport['stopReason']>): LoadReport => {
    if (endedAt === undefined) {
      endedAt = clock.now();
      stopReason = reason;
      if (timer) clock.clearTimeout(timer);
      timer = undefined;
      resolveDone(report());
    }
    return report();
  };

  const tick = (): void => {
    timer = undefined;
    const now = clock.now();
    const elapsed = Math.min(now - startedAt, durationMs);
    const due = Math.min(maxRequests, Math.floor((elapsed * rate) / 1000)) - times.length;
    for (let i = 0; i < due; i++) record(now, options.mesh.route(options.host));
    if (times.length >= maxRequests) {
      finish('maxRequests');
      return;
    }
    if (now - startedAt >= durationMs) {
      finish('duration');
      return;
    }
    timer = clock.setTimeout(tick, tickMs);
  };
  timer = clock.setTimeout(tick, tickMs);

  return {
    stop: () => finish('stopped'),
    snapshot: report,
    between: (from, to) => count(from, to ?? Infinity),
    since: (t) => count(t, Infinity),
    done,
  };
}

/** share is the fraction of a period's requests that went to `subset` (0 when there were none). */
export function share(counts: TrafficCounts, subset: string): number {
  return counts.total === 0 ? 0 : (counts.bySubset[subset] ?? 0) / counts.total;
}
