// Randomness for the traffic model: the weighted choice Envoy makes per request. Tests pass a
// seed so a run's split is the same every time; the cluster uses Math.random.

/** RandomSource returns a float in [0, 1), like Math.random. */
export type RandomSource = () => number;

/** seededRandom is a small deterministic PRNG (mulberry32) for reproducible traffic. */
export function seededRandom(seed: number): RandomSource {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
