// Where the installed package's own files (stages/, charts/, package.json) are: the nearest
// directory above this file holding helm-canary's package.json. Searched, not computed, because
// this code runs from src/ (tests), dist/ (tsc output) and dist/bin/chunks/ (the bundle).
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

function findPackageRoot(start: string): string {
  for (let dir = start; ; dir = dirname(dir)) {
    const manifest = join(dir, 'package.json');
    if (existsSync(manifest) && (JSON.parse(readFileSync(manifest, 'utf8')) as { name?: string }).name === 'helm-canary') return dir;
    if (dirname(dir) === dir) throw new Error(`helm-canary: no package.json of helm-canary above ${start}`);
  }
}

/** packageRoot is the directory holding package.json, stages/ and charts/. */
export const packageRoot = findPackageRoot(dirname(fileURLToPath(import.meta.url)));

/** PackageManifest is the part of package.json the CLI reads about itself. */
export interface PackageManifest {
  version: string;
  engines?: { node?: string };
}

let manifest: PackageManifest | undefined;

/** packageManifest is helm-canary's package.json, read once (--version and the engines check both ask). */
export function packageManifest(): PackageManifest {
  manifest ??= JSON.parse(readFileSync(join(packageRoot, 'package.json'), 'utf8')) as PackageManifest;
  return manifest;
}

/** packageVersion is the version in package.json. */
export function packageVersion(): string {
  return packageManifest().version;
}

/**
 * nodeMeetsEngines says whether a Node version (process.version) is within package.json's
 * `engines.node`, which holds one floor (">=22.19"). A range of any other shape counts as not
 * met rather than being guessed at.
 */
export function nodeMeetsEngines(nodeVersion: string, range: string | undefined): boolean {
  const floor = /^>=\s*(\d+)(?:\.(\d+))?(?:\.(\d+))?$/.exec((range ?? '').trim());
  const running = /^v?(\d+)\.(\d+)\.(\d+)/.exec(nodeVersion);
  if (!floor || !running) return false;
  const want = [floor[1], floor[2], floor[3]].map((n) => Number(n ?? 0));
  const have = [running[1], running[2], running[3]].map(Number);
  for (let i = 0; i < 3; i++) if (have[i] !== want[i]) return have[i]! > want[i]!;
  return true;
}
