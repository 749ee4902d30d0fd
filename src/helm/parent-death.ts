// Stops helm when helm-canary dies, however it dies. execa's `cleanup` kills helm when we exit
// normally or on SIGINT/SIGTERM, but nothing runs when we get SIGKILL (a CI runner cancelling a
// job, the OOM killer): the orphaned `helm upgrade` goes on changing the cluster. On Linux the
// kernel can signal a process when its parent dies (prctl PR_SET_PDEATHSIG); util-linux's
// `setpriv --pdeathsig TERM -- helm ...` sets that and then execs helm, so helm keeps setpriv's
// pid and gets SIGTERM when we die. Helm 3 and 4 cancel on SIGTERM and mark the release failed
// instead of leaving it pending, provided they can still write their output: upgrade and rollback
// write to files rather than to pipes into a dead process (output-files.ts).
//
// Where setpriv is missing (macOS, minimal images) or too old to know --pdeathsig (util-linux
// before 2.33, e.g. CentOS 7), helm is spawned directly, with execa's cleanup only.
import { accessSync, constants, statSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { execa } from 'execa';

/** SETPRIV_ARGS go between setpriv and the helm binary. */
export const SETPRIV_ARGS = ['--pdeathsig', 'TERM', '--'] as const;

let lookup: Promise<string | undefined> | undefined;

function isExecutableFile(path: string): boolean {
  try {
    if (!statSync(path).isFile()) return false;
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

async function findSetpriv(): Promise<string | undefined> {
  if (process.platform !== 'linux') return undefined;
  const dirs = (process.env.PATH ?? '').split(delimiter).filter(Boolean);
  const path = ['/usr/bin/setpriv', ...dirs.map((dir) => join(dir, 'setpriv'))].find(isExecutableFile);
  if (!path) return undefined;
  try {
    // One small process, once: an old setpriv would fail every helm run with "unrecognized option".
    const help = await execa(path, ['--help'], { reject: false, stdin: 'ignore', timeout: 5000 });
    return help.exitCode === 0 && help.stdout.includes('--pdeathsig') ? path : undefined;
  } catch {
    return undefined;
  }
}

/** parentDeathWrapper is the setpriv to run helm under, or undefined to spawn helm directly. Looked up once. */
export function parentDeathWrapper(): Promise<string | undefined> {
  return (lookup ??= findSetpriv());
}

/**
 * setprivExecFailure recognises setpriv failing to exec the program it wraps, and returns the
 * spawn error code a direct spawn would have given (ENOENT, EACCES). setpriv prints
 * "setpriv: failed to execute NAME: No such file or directory" and exits 127 when NAME is not
 * found, 126 when it cannot be executed; helm itself exits 1 on errors and never prints
 * "setpriv:". Only the exit code and the prefix are read, as the rest is translated by locale.
 */
export function setprivExecFailure(exitCode: number | undefined, stderr: string): 'ENOENT' | 'EACCES' | undefined {
  if (exitCode !== 127 && exitCode !== 126) return undefined;
  if (!/^setpriv: /.test(stderr.trimStart())) return undefined;
  return exitCode === 127 ? 'ENOENT' : 'EACCES';
}
