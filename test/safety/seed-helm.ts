// The seed's release driven by hand: one `helm upgrade --install ... --set ... --wait` per stage,
// exactly as the article's helm-commands.sh does it (stage 2 gives the canary pods and 10 % of the
// traffic in one upgrade, stage 7 scales the canary down right after stage 6 moved traffic off
// it, rollback is one upgrade with the stable values). The safety test and the benchmark compare
// helm-canary against these commands, so both build them here.
import { execa } from 'execa';
import { join } from 'node:path';
import { repoRoot } from '../helpers/run-cli.js';

/** SeedStage is one row of the seed's stage table (R replicas, weights in percent). */
export interface SeedStage {
  prodTag: string;
  prodWeight: number;
  prodReplicas: number;
  canaryTag: string;
  canaryReplicas: number;
  canaryWeight: number;
}

/** seedStages are the seven stages for stable tag S, new tag N and R replicas; index 0 is stage 1. */
export function seedStages(S: string, N: string, R: number): SeedStage[] {
  const row = (prodTag: string, prodWeight: number, canaryTag: string, canaryReplicas: number, canaryWeight: number): SeedStage => ({
    prodTag, prodWeight, prodReplicas: R, canaryTag, canaryReplicas, canaryWeight,
  });
  return [
    row(S, 100, S, 0, 0),
    row(S, 90, N, R, 10),
    row(S, 10, N, R, 90),
    row(S, 0, N, R, 100),
    row(N, 0, N, R, 100),
    row(N, 100, N, R, 0),
    row(N, 100, N, 0, 0),
  ];
}

/** seedHelmArgs is the seed's upgrade for one stage, with its `--set` list on the default value paths. */
export function seedHelmArgs(opts: { release: string; namespace: string; repository: string; timeout?: string }, s: SeedStage): string[] {
  const set = [
    `productionDeployment.image.repository=${opts.repository}`,
    `productionDeployment.image.tag=${s.prodTag}`,
    `productionDeployment.weight=${s.prodWeight}`,
    `productionDeployment.replicaCount=${s.prodReplicas}`,
    `canaryDeployment.image.repository=${opts.repository}`,
    `canaryDeployment.image.tag=${s.canaryTag}`,
    `canaryDeployment.replicaCount=${s.canaryReplicas}`,
    `canaryDeployment.weight=${s.canaryWeight}`,
  ].join(',');
  // --set-string for nothing: tags such as 1.0 must stay strings, which the chart's schema
  // accepts either way; the seed used plain --set.
  return ['upgrade', '--install', '--namespace', opts.namespace, '--set', set, '--wait', '--timeout', opts.timeout ?? '60s', opts.release, join(repoRoot, 'charts', 'canary-app')];
}

/** runHelm runs the helm binary of `env.HELM_BIN` with the test's environment; throws on failure. */
export async function runHelm(env: Record<string, string>, args: string[]): Promise<void> {
  const r = await execa(env.HELM_BIN!, args, { env, extendEnv: true, reject: false, stdin: 'ignore' });
  if (r.exitCode !== 0) throw new Error(`helm ${args.slice(0, 3).join(' ')} exited ${r.exitCode}: ${String(r.stderr)}`);
}
