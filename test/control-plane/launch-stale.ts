// The temp dirs of control planes whose owner was SIGKILLed. Their processes died with the owner
// (launch-processes.ts), but nothing ran to remove the directory, and each holds an etcd data dir
// of tens of megabytes: the next start removes those whose owner pid is gone.
import { readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** DIR_PREFIX starts the name of every control plane's temp dir. */
export const DIR_PREFIX = 'helm-canary-real-';
const OWNER_FILE = 'owner.pid';

/** markOwner records this process as the owner of `dir`. */
export function markOwner(dir: string): void {
  writeFileSync(join(dir, OWNER_FILE), `${process.pid}\n`);
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** removeStaleDirs removes the temp dirs whose owner process no longer exists; returns their paths. */
export function removeStaleDirs(parent = tmpdir()): string[] {
  const removed: string[] = [];
  for (const name of readdirSync(parent)) {
    if (!name.startsWith(DIR_PREFIX)) continue;
    const dir = join(parent, name);
    let pid: number;
    try {
      pid = Number.parseInt(readFileSync(join(dir, OWNER_FILE), 'utf8'), 10);
    } catch {
      continue; // being created, or kept on purpose without an owner: leave it
    }
    if (Number.isInteger(pid) && pid > 0 && !alive(pid)) {
      rmSync(dir, { recursive: true, force: true });
      removed.push(dir);
    }
  }
  return removed;
}

/** releaseOwner keeps `dir` for good (a kept dir is for a person to read, not for the next start to remove). */
export function releaseOwner(dir: string): void {
  rmSync(join(dir, OWNER_FILE), { force: true });
}
