// The cluster is the truth, the record a convenience: a rollout in progress shows in the cluster
// (canary weight or pods, or production on another tag than the last stable revision) whether or
// not its record survives. The stable tag survives the record too, in the values helm keeps with
// every revision: the newest revision with all traffic on production and no canary pods.
import { readChartValues, type StageValues } from '../engine/index.js';
import type { RunnerContext } from './context.js';
import type { HelmRevisionValues } from './ports.js';

/** StableRevision is the newest helm revision of the release that was at rest. */
export interface StableRevision {
  revision: number;
  repository: string;
  tag: string;
  replicas: number;
}

/** UnrecordedRollout is a rollout the cluster shows and no active record describes. */
export interface UnrecordedRollout {
  /** Why the cluster shows a rollout, for people. */
  evidence: string;
  stable: StableRevision;
  observed: StageValues;
}

/** atRest is true for values with all traffic on production and no canary pods. */
export function atRest(values: StageValues): boolean {
  return values.production.weight === 100 && values.canary.weight === 0 && values.canary.replicas === 0;
}

/** lastStableRevision finds the newest deployed revision whose values were at rest. */
export function lastStableRevision(revisions: HelmRevisionValues[], paths: RunnerContext['spec']['valuePaths']): StableRevision | undefined {
  for (const rev of revisions) {
    // A failed or pending revision may never have reached the cluster.
    if (rev.status !== 'deployed' && rev.status !== 'superseded') continue;
    const read = readChartValues(rev.values, paths);
    if ('values' in read && atRest(read.values)) {
      const p = read.values.production;
      return { revision: rev.revision, repository: p.repository, tag: p.tag, replicas: p.replicas };
    }
  }
  return undefined;
}

/** rolloutEvidence says why `observed` is a rollout in progress, or undefined when it is at rest at the stable tag. */
export function rolloutEvidence(observed: StageValues, stable: StableRevision | undefined): string | undefined {
  const { production, canary } = observed;
  if (canary.weight > 0) return `the canary receives ${canary.weight} % of traffic`;
  if (production.weight !== 100) return `production receives ${production.weight} % of traffic`;
  if (canary.replicas > 0) return `the canary runs ${canary.replicas} pods of ${canary.tag}`;
  if (stable && production.tag !== stable.tag) return `production runs ${production.tag}, but the last stable helm revision (${stable.revision}) ran ${stable.tag}`;
  return undefined;
}

/** findUnrecordedRollout reads helm's revisions and tells whether `observed` is a rollout in progress. */
export async function findUnrecordedRollout(ctx: RunnerContext, observed: StageValues | undefined): Promise<UnrecordedRollout | { evidence: string; stable: undefined } | undefined> {
  if (!observed) return undefined;
  const stable = lastStableRevision(await ctx.helm.revisions(), ctx.spec.valuePaths);
  const evidence = rolloutEvidence(observed, stable);
  if (!evidence) return undefined;
  return stable ? { evidence, stable, observed } : { evidence, stable: undefined };
}
