// `npm run cluster`: a simulated cluster in the foreground for a person to point helm or the
// tool at. Prints the kubeconfig to export; stops on Ctrl-C or SIGTERM.
import { startCluster } from './cluster.js';

// `--real`: the real control plane (test/control-plane/launch.ts), loaded only then.
const real = process.argv.includes('--real');
const kind = real ? 'Real' : 'Simulated';
const cluster = real ? await (await import('../test/control-plane/launch-cli.js')).startForeground() : await startCluster();
process.stdout.write(
  [
    `${kind} Kubernetes API server at ${cluster.url}`,
    `Kubeconfig: ${cluster.kubeconfigPath}`,
    '',
    `  export KUBECONFIG=${cluster.kubeconfigPath}`,
    '',
    'Press Ctrl-C to stop.',
    '',
  ].join('\n'),
);

let stopping = false;
const shutdown = (signal: string) => {
  if (stopping) return;
  stopping = true;
  process.stdout.write(`\n${signal}: stopping the ${kind.toLowerCase()} cluster\n`);
  cluster.stop().then(
    () => process.exit(0),
    (err: unknown) => {
      process.stderr.write(`error while stopping: ${String(err)}\n`);
      process.exit(1);
    },
  );
};
process.on('SIGINT', () => shutdown('SIGINT'));
process.on('SIGTERM', () => shutdown('SIGTERM'));
