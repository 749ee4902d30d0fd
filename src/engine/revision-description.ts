// What helm keeps with each revision a rollout's apply makes (`helm history` shows it). It names
// the rollout's tags, so the stable tag survives the loss of the rollout record.

/** RolloutTags are a rollout's stable and new image tags. */
export interface RolloutTags {
  stableTag: string;
  newTag: string;
}

/** rolloutDescription is the description of one apply: "helm-canary 83 -> 84: stage 2 (canary 10 %) step 1/2: ...". */
export function rolloutDescription(tags: RolloutTags, step: string): string {
  return `helm-canary ${tags.stableTag} -> ${tags.newTag}: ${step}`;
}

/** parseRolloutDescription reads the tags back from a rolloutDescription, if it is one. */
export function parseRolloutDescription(description: string | undefined): RolloutTags | undefined {
  const m = /^helm-canary (\S+) -> (\S+): /.exec(description ?? '');
  return m ? { stableTag: m[1]!, newTag: m[2]! } : undefined;
}
