// The control plane's processes: each one spawned under `setpriv --pdeathsig KILL` so the kernel
// kills it when the test runner or `npm run cluster` dies, however it dies (SIGKILL, OOM, a CI
// job cancelled): a leaked etcd or API server would hold ports and CPU on a 2-core machine for
// hours. Each writes its output to <name>.log in the cluster's directory, and the last lines of
// that log go into the error when a component exits early or never gets ready.
import { spawn, type ChildProcess } from 'node:child_process';
import { openSync, closeSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { parentDeathWrapper } from '../../src/helm/parent-death.js';

/** Component is one running process of the control plane. */
export interface Component {
  name: string;
  logPath: string;
  child: ChildProcess;
  /** Set when the process has exited (code or signal), before or during stop. */
  exited?: string;
  /** stop sends SIGTERM to its process group, then SIGKILL after `graceMs`; resolves when it is gone. */
  stop(graceMs?: number): Promise<void>;
}

/** logTail is the last `lines` lines of a component's log, for error messages. */
export function logTail(component: Component, lines = 25): string {
  try {
    return readFileSync(component.logPath, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
  } catch {
    return '(no log)';
  }
}

/** startComponent spawns `binary args` with its output in `<logDir>/<name>.log`; `env` adds to ours. */
export async function startComponent(name: string, binary: string, args: string[], logDir: string, env: Record<string, string> = {}): Promise<Component> {
  const logPath = join(logDir, `${name}.log`);
  const fd = openSync(logPath, 'a');
  const setpriv = await parentDeathWrapper();
  // SIGKILL rather than helm's SIGTERM: nothing of a test cluster is worth a graceful shutdown
  // once its owner is gone, and etcd or the API server may take seconds to drain on SIGTERM.
  const [command, argv] = setpriv ? [setpriv, ['--pdeathsig', 'KILL', '--', binary, ...args]] : [binary, args];
  // detached: its own process group, so stop() reaches any child it has and Ctrl-C in the
  // terminal of `npm run cluster` reaches only us (we then stop the components in order).
  const child = spawn(command, argv, { stdio: ['ignore', fd, fd], detached: true, env: { ...process.env, ...env } });
  closeSync(fd);
  const exitedPromise = new Promise<void>((resolve) => {
    child.once('exit', (code, signal) => {
      component.exited = signal ? `killed by ${signal}` : `exited with code ${code}`;
      resolve();
    });
    child.once('error', (err) => {
      component.exited = `could not start: ${err.message}`;
      resolve();
    });
  });
  const signalGroup = (signal: NodeJS.Signals) => {
    try {
      if (child.pid !== undefined) process.kill(-child.pid, signal);
    } catch {
      // already gone
    }
  };
  const component: Component = {
    name,
    logPath,
    child,
    async stop(graceMs = 5000) {
      if (component.exited) return;
      signalGroup('SIGTERM');
      const timer = setTimeout(() => signalGroup('SIGKILL'), graceMs);
      await exitedPromise;
      clearTimeout(timer);
    },
  };
  return component;
}

/** failIfExited throws with the component's log when it is no longer running. */
export function failIfExited(component: Component): void {
  // The log's base name only: stop() removes the directory unless it is kept.
  if (component.exited) throw new Error(`${component.name} ${component.exited}; last lines of ${basename(component.logPath)}:\n${logTail(component)}`);
}
