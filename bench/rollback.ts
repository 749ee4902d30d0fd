// Figure 3: from the command's start to the VirtualService carrying 100/0 in the cluster, rolling
// back from stage 3 (90 % canary) with helm-canary versus one plain `helm upgrade` with the stable
// values. From stage 3 the tool's first apply is the traffic shift, so both do one upgrade before
// the weights change. The time is read from the simulator's store events, not from the commands.
import { performance } from 'node:perf_hooks';
import { execa } from 'execa';
import { KINDS } from '../sim/store/resources.js';
import type { Env } from '../test/helpers/e2e.js';
import { REPOSITORY } from '../test/helpers/e2e.js';
import { cliPath } from '../test/helpers/run-cli.js';
import { runHelm, seedHelmArgs, seedStages } from '../test/safety/seed-helm.js';
import { summarize, type Pair } from './stats.js';

/** vsAtStable resolves with the time the release's VirtualService first shows production 100 / canary 0. */
function vsAtStable(env: Env, release: string): Promise<number> {
  return new Promise((resolve) => {
    const off = env.sim!.store.subscribe((e) => {
      if (e.resource.kind !== 'VirtualService' || e.object.metadata.name !== release || e.object.metadata.namespace !== env.namespace) return;
      const weights: Record<string, number> = {};
      for (const r of (e.object as any).spec?.http?.[0]?.route ?? []) weights[r.destination.subset] = r.weight ?? 0;
      if (weights.production === 100 && (weights.canary ?? 0) === 0) {
        off();
        resolve(performance.now());
      }
    });
  });
}

async function toolRollback(env: Env, release: string): Promise<number> {
  for (const argv of [['deploy', '--tag', '1.0'], ['start', '--new-tag', '2.0'], ['promote', '--to', '3']]) {
    const r = await env.cli([...argv, '--release', release]);
    if (r.exitCode !== 0) throw new Error(`helm-canary ${argv.join(' ')}: ${r.stderr}`);
  }
  const reached = vsAtStable(env, release);
  const t0 = performance.now();
  const run = execa(process.execPath, [cliPath, 'rollback', '--release', release], { cwd: env.dir, env: env.env, reject: false, stdin: 'ignore' });
  const at = await reached;
  const r = await run;
  if (r.exitCode !== 0) throw new Error(`helm-canary rollback: ${r.stderr}`);
  return at - t0;
}

async function plainRollback(env: Env, release: string): Promise<number> {
  const stages = seedStages('1.0', '2.0', 2);
  const args = (n: number) => seedHelmArgs({ release, namespace: env.namespace, repository: REPOSITORY, timeout: '20s' }, stages[n - 1]!);
  for (const n of [1, 2, 3]) await runHelm(env.env, args(n));
  const reached = vsAtStable(env, release);
  const t0 = performance.now();
  const run = runHelm(env.env, args(1));
  const at = await reached;
  await run;
  return at - t0;
}

/** rollback measures `runs` pairs, alternating which goes first. */
export async function rollback(env: Env, runs: number): Promise<ReturnType<typeof summarize>> {
  const pairs: Pair[] = [];
  for (let i = 0; i < runs; i++) {
    if (i % 2 === 0) pairs.push({ tool: await toolRollback(env, `rbt${i}`), base: await plainRollback(env, `rbs${i}`) });
    else {
      const base = await plainRollback(env, `rbs${i}`);
      pairs.push({ tool: await toolRollback(env, `rbt${i}`), base });
    }
  }
  return summarize(pairs);
}
