// Problems of a config value set by a flag name the flag, not the field it stands in for.

/**
 * blameFlags rewrites each problem about a field a flag set so that it names the flag:
 * `replicas: must be at least 1` under --replicas is `--replicas: must be at least 1`, and a
 * problem inside the field keeps its path in brackets (`--steps (plan.steps[1]): ...`).
 * `flagPaths` maps a field path to the flag that set it.
 */
export function blameFlags(problems: readonly string[], flagPaths: ReadonlyMap<string, string>): string[] {
  return problems.map((problem) => {
    const colon = problem.indexOf(': ');
    if (colon < 0 || problem.startsWith('--')) return problem;
    const path = problem.slice(0, colon);
    for (const [field, flag] of flagPaths) {
      if (path === field) return `${flag}${problem.slice(colon)}`;
      if (path.startsWith(`${field}.`) || path.startsWith(`${field}[`)) return `${flag} (${path})${problem.slice(colon)}`;
    }
    return problem;
  });
}
