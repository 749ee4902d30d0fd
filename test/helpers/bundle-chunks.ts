// Which files of the built bundle carry a given dependency, from esbuild's metafile
// (.cache/bundle-meta.json, written by scripts/bundle.mjs).
import { readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { repoRoot } from './run-cli.js';

/** chunksContaining lists the bundle's output file names whose inputs include `packagePath`. */
export function chunksContaining(packagePath: string): string[] {
  const meta = JSON.parse(readFileSync(join(repoRoot, '.cache', 'bundle-meta.json'), 'utf8')) as { outputs: Record<string, { inputs: Record<string, unknown> }> };
  return Object.entries(meta.outputs)
    .filter(([, out]) => Object.keys(out.inputs).some((input) => input.includes(packagePath)))
    .map(([file]) => basename(file));
}

/** loadedFiles lists the file names a run traced with trace-imports.mjs loaded. */
export function loadedFiles(stderr: string): string[] {
  return stderr.split('\n').filter((l) => l.startsWith('TRACE-LOAD ')).map((l) => basename(l.slice('TRACE-LOAD '.length)));
}
