#!/usr/bin/env node
// Bundles the CLI into dist/bin/ with esbuild: Node loads a few bundled chunks far faster than the
// ~1,000 ESM files of @kubernetes/client-node and the rest. Code splitting keeps the lazy imports
// lazy: `plan` and `--help` never load the chunk holding the Kubernetes client. The bundle carries
// every library it uses, so package.json lists them as devDependencies and the published package
// has no dependencies at all: a global install is this bundle and nothing else (test/package).
import { build } from 'esbuild';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const outdir = join(root, 'dist', 'bin');
rmSync(join(root, 'dist'), { recursive: true, force: true });
const result = await build({
  metafile: true,
  entryPoints: { 'helm-canary': join(root, 'src', 'cli', 'main.ts') },
  outdir,
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node22',
  outExtension: { '.js': '.mjs' },
  chunkNames: 'chunks/[name]-[hash]',
  // CommonJS dependencies call require() for Node's own modules; ESM output has none to give them.
  banner: { js: "import { createRequire as __helmCanaryRequire } from 'node:module'; const require = __helmCanaryRequire(import.meta.url);" },
  logLevel: 'warning',
  legalComments: 'none',
  minifyWhitespace: true,
  minifySyntax: true,
});

// Which output file holds which inputs: tests use it to prove `plan` never loads the client's chunk.
mkdirSync(join(root, '.cache'), { recursive: true });
writeFileSync(join(root, '.cache', 'bundle-meta.json'), JSON.stringify(result.metafile));
