// Test support: a Node.js the release's CLI supports (package.json's engines), for tests that put
// only node on a PATH (the helm plugin and the GitHub Action run the bundle with nothing else).
// The test runner's own node when it is one (npm test runs on node22/node24 via
// scripts/with-node.mjs), else node24 or node22 from node_modules (a single file run with an
// older system node). The check is the CLI's own, nodeMeetsEngines.
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from '../helpers/run-cli.js';
import { nodeMeetsEngines, packageManifest } from '../../src/config/package-root.js';

/** supportedNode is the path of a node binary within engines; it throws, naming the fix, when there is none. */
export function supportedNode(): string {
  const range = packageManifest().engines?.node;
  const exe = process.platform === 'win32' ? 'node.exe' : 'node';
  const candidates = [process.execPath, ...['24', '22'].map((line) => join(repoRoot, 'node_modules', `node${line}`, 'bin', exe))];
  for (const node of candidates) {
    if (existsSync(node) && nodeMeetsEngines(execFileSync(node, ['--version'], { encoding: 'utf8' }).trim(), range)) return node;
  }
  throw new Error(`no Node.js ${range} found (tried ${candidates.join(', ')}): run npm ci, or run the test on Node ${range}`);
}
