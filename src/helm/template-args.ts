// Turns the engine's `helm upgrade --install` argv into the `helm template` argv that renders
// the same manifests, so a dry run (and the chart tests) render exactly what a stage would apply.

// Flags that only matter when applying to a cluster; `helm template` rejects some of them
// (--cleanup-on-fail, --history-max) and ignores the rest. The number says how many values follow.
const APPLY_ONLY_FLAGS: ReadonlyMap<string, number> = new Map([
  ['--install', 0],
  ['--wait', 0],
  ['--wait-for-jobs', 0],
  ['--atomic', 0],
  ['--rollback-on-failure', 0],
  ['--cleanup-on-fail', 0],
  ['--timeout', 1],
  ['--history-max', 1],
]);

/** toTemplateArgs rewrites an `upgrade --install` argv as the equivalent `template` argv. */
export function toTemplateArgs(upgradeArgv: readonly string[]): string[] {
  if (upgradeArgv[0] !== 'upgrade') throw new TypeError(`expected a helm upgrade argv, got: ${upgradeArgv.join(' ')}`);
  const out = ['template'];
  for (let i = 1; i < upgradeArgv.length; i++) {
    const arg = upgradeArgv[i]!;
    const flag = arg.split('=', 1)[0]!;
    const values = APPLY_ONLY_FLAGS.get(flag);
    if (values === undefined) out.push(arg);
    else if (!arg.includes('=')) i += values; // "--timeout 5m" drops two words, "--timeout=5m" one
  }
  return out;
}
