// Figure 1: how long `helm-canary --help` and `helm-canary plan` take from a cold process, against
// `node -e 0` (the floor any node CLI pays), measured alternately in each run.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { cliPath, repoRoot } from '../test/helpers/run-cli.js';
import { summarize, timed, type Pair } from './stats.js';

/** ColdStart is the figure's result: one row per command. */
export interface ColdStart {
  help: ReturnType<typeof summarize>;
  plan: ReturnType<typeof summarize>;
}

export const PLAN_ARGS = ['plan', '--release', 'productpage', '--chart', join(repoRoot, 'charts', 'canary-app'), '--repository', 'acr.io/app', '--replicas', '2', '--stable-tag', '83', '--new-tag', '84'];

/** coldStart measures `runs` rounds of node -e 0, --help and plan (after one warm-up round for the file cache). */
export async function coldStart(runs: number): Promise<ColdStart> {
  // An empty directory: no canary.yaml is found, the flags are the whole input.
  const cwd = mkdtempSync(join(tmpdir(), 'hc-bench-cold-'));
  const node = (args: string[]) => timed(() => execa(process.execPath, args, { cwd, stdin: 'ignore' }));
  const help: Pair[] = [];
  const plan: Pair[] = [];
  try {
    for (let i = -1; i < runs; i++) {
      const base = await node(['-e', '0']);
      const h = await node([cliPath, '--help']);
      const p = await node([cliPath, ...PLAN_ARGS]);
      if (i < 0) continue;
      help.push({ tool: h, base });
      plan.push({ tool: p, base });
    }
  } finally {
    rmSync(cwd, { recursive: true, force: true });
  }
  return { help: summarize(help), plan: summarize(plan) };
}
