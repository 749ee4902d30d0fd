// Generated values files: written into a fresh directory only the user can read (they may hold
// image coordinates a team treats as private), and removed as soon as helm has read them. A run
// that is interrupted does not leave them behind either: a SIGINT/SIGTERM exit removes the
// directories it still holds, and a run killed outright (SIGKILL) leaves a directory named by its
// pid that the next run removes once that process is gone.
import { readdirSync, rmSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import type { ValuesFiles } from '../rollout/ports.js';

const PREFIX = 'helm-canary-';
const held = new Set<string>();
let exitHookInstalled = false;
let swept = false;

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    // EPERM: alive, but another user's.
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** sweepOrphans removes values directories left by runs of this tool whose process is gone. */
export function sweepOrphans(dir = tmpdir()): void {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return;
  }
  for (const name of names) {
    const pid = Number(/^helm-canary-(\d+)-/.exec(name)?.[1]);
    if (!pid || pid === process.pid || isAlive(pid)) continue;
    try {
      rmSync(join(dir, name), { recursive: true, force: true });
    } catch {
      // another user's directory: not ours to remove
    }
  }
}

// process.exit (the signal handlers call it) skips `finally` blocks, but runs 'exit' listeners.
function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.on('exit', () => {
    for (const dir of held) rmSync(dir, { recursive: true, force: true });
  });
}

/** privateValuesFiles writes each values file in its own mode-0700 directory and removes it after use. */
export const privateValuesFiles: ValuesFiles = {
  async withFile(name, values, use) {
    if (!swept) {
      swept = true;
      sweepOrphans();
    }
    installExitHook();
    const dir = await mkdtemp(join(tmpdir(), `${PREFIX}${process.pid}-`));
    held.add(dir);
    try {
      const path = join(dir, name);
      await writeFile(path, stringify(values), { mode: 0o600 });
      return await use(path);
    } finally {
      held.delete(dir);
      await rm(dir, { recursive: true, force: true });
    }
  },
};
