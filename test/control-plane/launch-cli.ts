// `npm run cluster -- --real`: sim/main.ts loads this module only for --real, and prints and
// stops what it returns exactly as it does the simulated cluster. Progress goes to stderr so the
// `export KUBECONFIG=...` line stays the first thing on stdout worth copying.
import { MissingBinariesError, startRealCluster } from './launch.js';

/** ForegroundCluster is what sim/main.ts needs from a cluster. */
export interface ForegroundCluster {
  url: string;
  kubeconfigPath: string;
  stop(): Promise<void>;
}

/** startForeground starts the real control plane with two fake Nodes; exits 1 with a hint when binaries are missing. */
export async function startForeground(): Promise<ForegroundCluster> {
  try {
    const cluster = await startRealCluster({ log: (line) => process.stderr.write(`${line}\n`) });
    process.stderr.write(`Logs, PKI and etcd data: ${cluster.dir}\n`);
    return { url: cluster.server, kubeconfigPath: cluster.kubeconfigPath, stop: cluster.stop };
  } catch (err) {
    if (err instanceof MissingBinariesError) {
      process.stderr.write(`${err.message}\n`);
      process.exit(1);
    }
    throw err;
  }
}
