// A HELM_BIN that logs each helm call's start and end (ns since the epoch) to a file and runs the
// real helm: the rollout figure subtracts helm's time from the tool's to get the tool's own time.
import { chmodSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';

/** writeHelmWrapper writes the wrapper script into `dir` and returns its path and log reader. */
export function writeHelmWrapper(dir: string, realHelm: string): { path: string; log: string; helmMs(): { calls: number; ms: number; commands: string[] }; reset(): void } {
  const path = join(dir, 'helm-timed');
  const log = join(dir, 'helm-calls.log');
  // sh, not node: the wrapper must add next to nothing to each call.
  writeFileSync(path, [
    '#!/bin/sh',
    `s=$(date +%s%N)`,
    `${JSON.stringify(realHelm)} "$@"`,
    'rc=$?',
    `echo "$s $(date +%s%N) $1 $2" >> ${JSON.stringify(log)}`,
    'exit $rc',
    '',
  ].join('\n'));
  chmodSync(path, 0o755);
  return {
    path,
    log,
    helmMs() {
      if (!existsSync(log)) return { calls: 0, ms: 0, commands: [] };
      const lines = readFileSync(log, 'utf8').trim().split('\n').filter(Boolean);
      let total = 0;
      for (const line of lines) {
        const [s, e] = line.split(' ');
        total += Number(BigInt(e!) - BigInt(s!)) / 1e6;
      }
      return { calls: lines.length, ms: total, commands: lines.map((l) => l.split(' ').slice(2).join(' ')) };
    },
    reset() {
      writeFileSync(log, '');
    },
  };
}
