// Test support, run as its own node process: an ExecaHelmRunner that starts one upgrade and then
// waits, so a test can SIGKILL this process while helm runs and see what becomes of helm.
// Usage: node --import tsx upgrade-child.ts '<json {binary, argv, env?, killWithParent?}>'
// Prints helm's output lines as they come, then "exit <code>" when the upgrade ends.
import { ExecaHelmRunner } from '../../src/helm/index.js';

const { binary, argv, env, killWithParent } = JSON.parse(process.argv[2] ?? '{}') as {
  binary: string;
  argv: string[];
  env?: Record<string, string>;
  killWithParent?: boolean;
};
const runner = new ExecaHelmRunner({ binary, env, killWithParent });
runner
  .upgrade(argv, { onOutput: (line, stream) => process.stdout.write(`${stream}: ${line}\n`) })
  .then(
    () => process.stdout.write('exit 0\n'),
    (error: { exitCode?: number }) => process.stdout.write(`exit ${error.exitCode ?? 'none'}\n`),
  );
