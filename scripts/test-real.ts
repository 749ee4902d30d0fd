// npm run test:real [-- files...]: the e2e tier and the safety tier (traffic, failures under load, crash soak) on the real control
// plane, then the tests of the control plane itself (test-real/). It starts one control plane,
// runs the tiers against it through E2E_KUBECONFIG (each scenario in a namespace of its own, the
// tool as the ServiceAccount of `helm-canary rbac`), and stops it however the run ends.
//
// Needs `npm run control-plane:build` (the binaries) and `npm run helm:setup` (helm 3 and 4).
// With E2E_KUBECONFIG already set, no control plane is started: the tiers run on that cluster.
import { spawn } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { missingBinaries, MissingBinariesError, startRealCluster, CONTROL_PLANE_DIR } from '../test/control-plane/launch.js';

/** The tiers run on the shared control plane by default: everything that can run on an API server other than the simulator. */
const TIER_FILES = [
  'test/e2e/*.test.ts', 'test/safety/traffic.test.ts', 'test/safety/failures-under-load.test.ts', 'test/safety/crash-soak.test.ts',
  'test/safety/overlay-traffic.test.ts',
];
/** The control plane's own tests, each of which starts a control plane of its own. */
const OWN_PLANE_FILES = ['test-real/*.test.ts'];

/** expand resolves `dir/*.test.ts` patterns (Node 20's --test takes no globs, and no shell runs here). */
function expand(patterns: string[]): string[] {
  return patterns.flatMap((pattern) => {
    if (!pattern.includes('*')) return [pattern];
    const name = new RegExp(`^${basename(pattern).replace(/[.]/g, '\\.').replace(/\*/g, '.*')}$`);
    return readdirSync(dirname(pattern)).filter((f) => name.test(f)).sort().map((f) => join(dirname(pattern), f));
  });
}

/**
 * runTests runs `files` with node:test, `concurrency` files at a time. Two e2e files can share one
 * control plane: each scenario has a namespace of its own, and the images given pod faults carry
 * tags no other file uses (kwok's fault Stages select pods by image, cluster-wide).
 */
function runTests(files: string[], concurrency: number, env: NodeJS.ProcessEnv): Promise<number> {
  if (files.length === 0) return Promise.resolve(0);
  const args = [
    '--import', './test/setup/fail-on-warning.mjs', '--import', 'tsx', '--test',
    `--test-concurrency=${concurrency}`, '--test-reporter=spec', ...expand(files),
  ];
  return new Promise((resolve) => {
    const child = spawn(process.execPath, args, { stdio: 'inherit', env });
    const forward = (signal: NodeJS.Signals) => child.kill(signal);
    process.on('SIGINT', forward).on('SIGTERM', forward);
    child.on('exit', (code, signal) => resolve(code ?? (signal ? 1 : 0)));
  });
}

async function main(): Promise<number> {
  const chosen = process.argv.slice(2);
  const files = chosen.length ? chosen : [...TIER_FILES, ...OWN_PLANE_FILES];
  const tiers = files.filter((f) => !f.startsWith('test-real/'));
  const ownPlane = files.filter((f) => f.startsWith('test-real/'));
  if (process.env.E2E_KUBECONFIG) {
    console.error(`test:real: running on E2E_KUBECONFIG=${process.env.E2E_KUBECONFIG}`);
    return runTests(tiers, 2, process.env);
  }
  const binDir = join(CONTROL_PLANE_DIR, 'bin');
  const missing = missingBinaries(binDir);
  if (missing.length) {
    console.error(new MissingBinariesError(missing, binDir).message);
    return 2;
  }
  const started = Date.now();
  let code = 0;
  if (tiers.length) {
    const cluster = await startRealCluster({ log: (line) => console.error(`control plane: ${line}`) });
    try {
      code = await runTests(tiers, 2, { ...process.env, E2E_KUBECONFIG: cluster.kubeconfigPath });
      console.error(`test:real: tiers in ${((Date.now() - started) / 60_000).toFixed(1)} min, control plane start-up ${(cluster.startupMs / 1000).toFixed(1)} s`);
    } finally {
      await cluster.stop();
    }
  }
  // One at a time: each starts a control plane of its own.
  const own = await runTests(ownPlane, 1, process.env);
  console.error(`test:real: ${((Date.now() - started) / 60_000).toFixed(1)} min in all`);
  return code || own;
}

process.exitCode = await main();
