// What the pods of each image tag do once created. The model's tags are named after their
// behaviour so a counterexample reads on its own: `start --new-tag never-ready`.

/** PodBehaviour is how a pod of one image behaves over fake time. */
export interface PodBehaviour {
  /** Milliseconds from creation to ready; null for a pod that never becomes ready. */
  readyAfterMs: number | null;
  /** Milliseconds from ready to not ready again (a crash loop); absent for a pod that stays up. */
  crashAfterReadyMs?: number;
}

/** IMAGE_BEHAVIOURS are the tags the model deploys and rolls out, with what their pods do. */
export const IMAGE_BEHAVIOURS = {
  v1: { readyAfterMs: 2_000 },
  v2: { readyAfterMs: 5_000 },
  v3: { readyAfterMs: 1_000 },
  // Longer than the runner's verify timeout (20 s), shorter than helm's (5 min).
  slow: { readyAfterMs: 45_000 },
  'never-ready': { readyAfterMs: null },
  // Passes helm's wait and the runner's verification, then fails while the next stage is judged.
  'crash-loop': { readyAfterMs: 2_000, crashAfterReadyMs: 15_000 },
} as const satisfies Record<string, PodBehaviour>;

/** Tag is one of the model's image tags. */
export type Tag = keyof typeof IMAGE_BEHAVIOURS;

/** TAGS lists every tag; HEALTHY_TAGS those whose pods become ready and stay so. */
export const TAGS = Object.keys(IMAGE_BEHAVIOURS) as Tag[];
export const HEALTHY_TAGS: Tag[] = ['v1', 'v2', 'v3', 'slow'];

/** behaviourOf is a tag's behaviour; an unknown tag (a typo in a regression row) never becomes ready. */
export function behaviourOf(tag: string): PodBehaviour {
  return (IMAGE_BEHAVIOURS as Record<string, PodBehaviour>)[tag] ?? { readyAfterMs: null };
}

/** isHealthy is true for a tag whose pods become ready and stay ready. */
export function isHealthy(tag: string): boolean {
  const b = behaviourOf(tag);
  return b.readyAfterMs !== null && b.crashAfterReadyMs === undefined;
}
