// Timing helpers for the benchmark: wall-clock durations, medians, and ratios taken within one
// run (tool and baseline measured back to back), since absolute times on a shared machine are noise.
import { performance } from 'node:perf_hooks';

/** timed runs `work` and returns its wall time in milliseconds. */
export async function timed(work: () => Promise<unknown>): Promise<number> {
  const t0 = performance.now();
  await work();
  return performance.now() - t0;
}

/** median of a non-empty list. */
export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** Pair is one run's tool time and baseline time. */
export interface Pair {
  tool: number;
  base: number;
}

/** summarize gives the medians and the median of the per-run ratios. */
export function summarize(pairs: Pair[]): { tool: number; base: number; ratio: number } {
  return { tool: median(pairs.map((p) => p.tool)), base: median(pairs.map((p) => p.base)), ratio: median(pairs.map((p) => p.tool / p.base)) };
}

/** ms formats milliseconds for the report. */
export function ms(value: number): string {
  return value >= 1000 ? `${(value / 1000).toFixed(2)} s` : `${value.toFixed(0)} ms`;
}
