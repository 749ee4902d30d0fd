// Where the installed package's own files (stages/, charts/) are: two levels above this file,
// both in src/config (run from source) and dist/config (built).
import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** packageRoot is the directory holding package.json, stages/ and charts/. */
export const packageRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');

/** packageVersion is the version in package.json. */
export function packageVersion(): string {
  return (JSON.parse(readFileSync(join(packageRoot, 'package.json'), 'utf8')) as { version: string }).version;
}
