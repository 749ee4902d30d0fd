// Remembers each helm binary's version across runs, keyed by the binary's path, size and
// modification time, so a command does not pay a helm process just to ask its version.
// A replaced or upgraded binary has a new size or time and is asked again.
import { mkdirSync, readFileSync, statSync, writeFileSync, renameSync } from 'node:fs';
import { homedir } from 'node:os';
import { delimiter, isAbsolute, join, resolve } from 'node:path';
import type { HelmVersion } from './helm-version.js';

function cacheFile(env: NodeJS.ProcessEnv): string {
  return join(env.XDG_CACHE_HOME || join(homedir(), '.cache'), 'helm-canary', 'helm-versions.json');
}

// The file a binary name runs, as a shell would find it on PATH.
function locate(binary: string, env: NodeJS.ProcessEnv): string | undefined {
  if (binary.includes('/')) return isAbsolute(binary) ? binary : resolve(binary);
  for (const dir of (env.PATH ?? '').split(delimiter).filter(Boolean)) {
    const candidate = join(dir, binary);
    try {
      if (statSync(candidate).isFile()) return candidate;
    } catch {
      // not in this directory
    }
  }
  return undefined;
}

function keyOf(binary: string, env: NodeJS.ProcessEnv): string | undefined {
  const path = locate(binary, env);
  if (!path) return undefined;
  try {
    const s = statSync(path);
    return `${path}:${s.size}:${s.mtimeMs}`;
  } catch {
    return undefined;
  }
}

function readCache(file: string): Record<string, HelmVersion> {
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as Record<string, HelmVersion>;
  } catch {
    return {};
  }
}

/** cachedHelmVersion returns the remembered version of `binary`, or asks `ask` and remembers it. */
export async function cachedHelmVersion(binary: string, ask: () => Promise<HelmVersion>, env: NodeJS.ProcessEnv = process.env): Promise<HelmVersion> {
  const key = keyOf(binary, env);
  const file = cacheFile(env);
  if (key) {
    const hit = readCache(file)[key];
    if (hit) return hit;
  }
  const version = await ask();
  if (key) {
    try {
      mkdirSync(join(file, '..'), { recursive: true });
      const tmp = `${file}.${process.pid}`;
      writeFileSync(tmp, JSON.stringify({ ...readCache(file), [key]: version }));
      renameSync(tmp, file); // atomic: concurrent runs never read half a file
    } catch {
      // a read-only home only costs the next run one helm call
    }
  }
  return version;
}
