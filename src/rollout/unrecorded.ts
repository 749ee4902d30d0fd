// The cluster is the truth, the record a convenience: a rollout in progress shows in the cluster
// (canary weight or pods, or production on another tag than the last stable revision) whether or
// not its record survives. The stable tag survives the record too, in the values helm keeps with
// every revision: the newest revision with all traffic on production and no canary pods.
import { parseRolloutDescription, readChartValues, type StageValues } from '../engine/index.js';
import { BlockedError } from './rollout-errors.js';
import type { RunnerContext, StatusPorts } from './context.js';
import { wasDeployed } from './helm-revision-status.js';
import type { HelmRevisionValues } from './ports.js';

/** StableRevision is the stable version as helm's revisions tell it, and the revision that told. */
export interface StableRevision {
  revision: number;
  repository: string;
  tag: string;
  replicas: number;
  /** The rollout's new tag, when the revision that told is one of its applies (its description names it). */
  newTag?: string;
}

/** UnrecordedRollout is a rollout the cluster shows and no active record describes. */
export interface UnrecordedRollout {
  /** Why the cluster shows a rollout, for people. */
  evidence: string;
  /** The stable version helm's revisions tell, if any does. */
  stable?: StableRevision;
  observed: StageValues;
}

/** atRest is true for values with all traffic on production and no canary pods. */
export function atRest(values: StageValues): boolean {
  return values.production.weight === 100 && values.canary.weight === 0 && values.canary.replicas === 0;
}

/**
 * lastStableRevision finds the stable version from helm's revisions, newest first. The first
 * revision that says something decides: one at rest (all traffic on production, no canary pods)
 * names its production tag; one made by a rollout's apply (its description names the rollout's
 * tags) names that rollout's stable tag, so an interrupted rollback of a completed rollout keeps
 * going back, not forward to the newest revision at rest.
 */
export function lastStableRevision(revisions: HelmRevisionValues[], paths: RunnerContext['spec']['valuePaths']): StableRevision | undefined {
  for (const rev of revisions) {
    // A failed or pending revision may never have reached the cluster.
    if (!wasDeployed(rev.status)) continue;
    const read = readChartValues(rev.values, paths);
    if (!('values' in read)) continue;
    const p = read.values.production;
    if (atRest(read.values)) return { revision: rev.revision, repository: p.repository, tag: p.tag, replicas: p.replicas };
    const tags = parseRolloutDescription(rev.description);
    if (tags) return { revision: rev.revision, repository: p.repository, tag: tags.stableTag, replicas: p.replicas, newTag: tags.newTag };
  }
  return undefined;
}

/** rolloutEvidence says why `observed` is a rollout in progress, or undefined when it is at rest at the stable tag. */
export function rolloutEvidence(observed: StageValues, stable: StableRevision | undefined): string | undefined {
  const { production, canary } = observed;
  if (canary.weight > 0) return `the canary receives ${canary.weight} % of traffic`;
  if (production.weight !== 100) return `production receives ${production.weight} % of traffic`;
  if (canary.replicas > 0) return `the canary runs ${canary.replicas} pods of ${canary.tag}`;
  if (stable && production.tag !== stable.tag) return `production runs ${production.tag}, but helm revision ${stable.revision} names ${stable.tag} as the stable tag`;
  return undefined;
}

/** findUnrecordedRollout reads helm's revisions and tells whether `observed` is a rollout in progress. */
export async function findUnrecordedRollout(ctx: Pick<StatusPorts, 'helm' | 'spec'>, observed: StageValues | undefined): Promise<UnrecordedRollout | undefined> {
  if (!observed) return undefined;
  const stable = lastStableRevision(await ctx.helm.revisions(), ctx.spec.valuePaths);
  const evidence = rolloutEvidence(observed, stable);
  return evidence ? { evidence, stable, observed } : undefined;
}

/**
 * refuseUnrecordedRollout stops `command` (deploy, start) while the cluster shows a rollout no
 * record describes: one upgrade to stable would remove pods that carry traffic.
 */
export async function refuseUnrecordedRollout(ctx: Pick<StatusPorts, 'helm' | 'spec'>, observed: StageValues | undefined, refused: string): Promise<void> {
  const found = await findUnrecordedRollout(ctx, observed);
  if (!found) return;
  throw new BlockedError(`the cluster shows a rollout of ${ctx.spec.release} in progress (${found.evidence}), though no record describes it: ${refused}`, [
    'undo it safely with: helm-canary rollback (it rebuilds the record from the cluster and helm history)',
  ]);
}
