// Figure 2: a complete seven-stage rollout (drainSeconds 0, no gate) as a pipeline runs it, one
// helm-canary invocation per stage (deploy, start, promote x5), against the seed's seven plain
// `helm upgrade --install --wait` commands, on the same simulated cluster, a fresh release each.
// A second pass with a timing HELM_BIN wrapper splits the tool's time into helm and its own.
import { performance } from 'node:perf_hooks';
import type { Env } from '../test/helpers/e2e.js';
import { REPOSITORY } from '../test/helpers/e2e.js';
import { runHelm, seedHelmArgs, seedStages } from '../test/safety/seed-helm.js';
import { writeHelmWrapper } from './helm-wrapper.js';
import { median, summarize, type Pair } from './stats.js';

/** TOOL_STAGES are the seven invocations of a pipeline's rollout: one per stage, a gate between each. */
export const TOOL_STAGES = [['deploy', '--tag', '1.0'], ['start', '--new-tag', '2.0'], ...Array.from({ length: 5 }, (_, i) => ['promote', '--to', String(i + 3)])];
/** ONE_RUN is the same rollout with no gate: stage 1, then stages 2..7 in one invocation. */
export const ONE_RUN = [['deploy', '--tag', '1.0'], ['start', '--new-tag', '2.0', '--to', '7']];
const STAGE_COUNT = 7;

/** Rollout is the figure's result. */
export interface Rollout {
  timing: ReturnType<typeof summarize>;
  /** Per stage, from the wrapper pass: the tool's wall time minus its helm calls' time. */
  ownPerStageMs: number;
  helmCallsPerStage: number;
  helmPerStageMs: number;
  helmCalls: string[];
}

async function toolRollout(env: Env, release: string, invocations: string[][], extraEnv: Record<string, string> = {}): Promise<number> {
  const t0 = performance.now();
  for (const argv of invocations) {
    const r = await env.cli([...argv, '--release', release], extraEnv);
    if (r.exitCode !== 0) throw new Error(`helm-canary ${argv.join(' ')} --release ${release}: exit ${r.exitCode}: ${r.stderr}`);
  }
  return performance.now() - t0;
}

async function seedRollout(env: Env, release: string): Promise<number> {
  const stages = seedStages('1.0', '2.0', 2);
  const t0 = performance.now();
  for (const s of stages) await runHelm(env.env, seedHelmArgs({ release, namespace: env.namespace, repository: REPOSITORY, timeout: '20s' }, s));
  return performance.now() - t0;
}

/** rollout measures `runs` pairs (tool, seed) alternating, then `runs` tool rollouts through the wrapper. */
export async function rollout(env: Env, runs: number, label: string, options: { split?: boolean; invocations?: string[][] } = {}): Promise<Rollout> {
  const invocations = options.invocations ?? TOOL_STAGES;
  const pairs: Pair[] = [];
  for (let i = 0; i < runs; i++) {
    // alternate the order so neither side always runs on a warmer machine
    if (i % 2 === 0) pairs.push({ tool: await toolRollout(env, `${label}t${i}`, invocations), base: await seedRollout(env, `${label}s${i}`) });
    else {
      const base = await seedRollout(env, `${label}s${i}`);
      pairs.push({ tool: await toolRollout(env, `${label}t${i}`, invocations), base });
    }
  }
  if (options.split === false) return { timing: summarize(pairs), ownPerStageMs: NaN, helmPerStageMs: NaN, helmCallsPerStage: NaN, helmCalls: [] };
  const wrapper = writeHelmWrapper(env.dir, env.env.HELM_BIN!);
  const own: number[] = [];
  const helmMs: number[] = [];
  let calls = 0;
  let commands: string[] = [];
  for (let i = 0; i < runs; i++) {
    wrapper.reset();
    const total = await toolRollout(env, `${label}w${i}`, invocations, { HELM_BIN: wrapper.path });
    const helm = wrapper.helmMs();
    own.push((total - helm.ms) / STAGE_COUNT);
    helmMs.push(helm.ms / STAGE_COUNT);
    calls = helm.calls;
    commands = helm.commands;
  }
  return { timing: summarize(pairs), ownPerStageMs: median(own), helmPerStageMs: median(helmMs), helmCallsPerStage: calls / STAGE_COUNT, helmCalls: commands };
}
