// Test support: a Node.js the release's CLI supports (22 or newer), for tests that put only node
// on a PATH (the helm plugin and the GitHub Action run the bundle with nothing else). The test
// runner's own node when it is one (npm test runs on node22/node24 via scripts/with-node.mjs),
// else node24 or node22 from node_modules (a single file run with an older system node).
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from '../helpers/run-cli.js';

/** SUPPORTED_NODE_MAJOR is the oldest Node.js line the release runs on. */
export const SUPPORTED_NODE_MAJOR = 22;

function major(node: string): number {
  return Number(/^v(\d+)\./.exec(execFileSync(node, ['--version'], { encoding: 'utf8' }))?.[1] ?? 0);
}

/** supportedNode is the path of a node binary of line 22 or newer; it throws, naming the fix, when there is none. */
export function supportedNode(): string {
  const exe = process.platform === 'win32' ? 'node.exe' : 'node';
  const candidates = [process.execPath, ...['24', '22'].map((line) => join(repoRoot, 'node_modules', `node${line}`, 'bin', exe))];
  for (const node of candidates) if (existsSync(node) && major(node) >= SUPPORTED_NODE_MAJOR) return node;
  throw new Error(`no Node.js ${SUPPORTED_NODE_MAJOR}+ found (tried ${candidates.join(', ')}): run npm ci, or run the test on Node ${SUPPORTED_NODE_MAJOR}+`);
}
