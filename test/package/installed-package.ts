// The package as a user gets it: `npm pack` of the checkout (the built dist/ as it is, so build
// first), and a global install of that tarball into a throwaway prefix. Used by the package tests
// and by `npm run bench` (install and cold-start times).
import { execa } from 'execa';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from '../helpers/run-cli.js';

/** Packed is one `npm pack`: the tarball and what npm says is in it. */
export interface Packed {
  tarball: string;
  /** Paths inside the package, e.g. "dist/bin/helm-canary.mjs". */
  files: string[];
  /** The tarball's size in bytes. */
  size: number;
  /** The unpacked files' total size in bytes. */
  unpackedSize: number;
}

/** pack packs `dir` (the checkout by default) into `dest` without running prepack (dist/ must be built). */
export async function pack(dest: string, dir = repoRoot): Promise<Packed> {
  const r = await execa('npm', ['pack', '--json', '--ignore-scripts', '--pack-destination', dest], { cwd: dir, env: npmEnv(), extendEnv: false, stdin: 'ignore' });
  const [info] = JSON.parse(String(r.stdout)) as { filename: string; size: number; unpackedSize: number; files: { path: string }[] }[];
  return { tarball: join(dest, info!.filename), files: info!.files.map((f) => f.path).sort(), size: info!.size, unpackedSize: info!.unpackedSize };
}

/** Installed is a global install into its own prefix. */
export interface Installed {
  /** npm's own summary, e.g. "added 1 package in 412ms". */
  npmOutput: string;
  /** The `helm-canary` link npm put in the prefix's bin/. */
  bin: string;
  /** Where the package's files went. */
  packageDir: string;
}

/**
 * installGlobal runs `npm install --global --prefix <prefix> <tarball> --offline` with an empty
 * npm cache of its own: a package needing anything from the registry fails to install, so a
 * passing install proves the tarball is all there is.
 */
export async function installGlobal(tarball: string, prefix: string): Promise<Installed> {
  const cache = join(prefix, '.npm-cache');
  mkdirSync(cache, { recursive: true });
  const r = await execa('npm', ['install', '--global', '--prefix', prefix, '--cache', cache, tarball, '--offline', '--no-audit', '--no-fund'], { env: npmEnv(), extendEnv: false, stdin: 'ignore' });
  return { npmOutput: `${r.stdout}\n${r.stderr}`.trim(), bin: join(prefix, 'bin', 'helm-canary'), packageDir: join(prefix, 'lib', 'node_modules', 'helm-canary') };
}

/** onePackage writes a package of one file into `dir` (the floor any npm install pays) and returns `dir`. */
export function onePackage(dir: string): string {
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'one-file', version: '1.0.0', bin: { 'one-file': 'index.mjs' }, files: ['index.mjs'] }));
  writeFileSync(join(dir, 'index.mjs'), '#!/usr/bin/env node\n');
  return dir;
}

/**
 * npmEnv is the environment for a nested npm (pass it with extendEnv: false): `npm test` and
 * `npm run bench` pass their own npm_config_* down, which a nested npm must not inherit (a
 * global flag, a dry run, the loglevel), and no update notice.
 */
export function npmEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) if (!/^npm_/i.test(k)) env[k] = v;
  return { ...env, npm_config_update_notifier: 'false', npm_config_loglevel: 'warn' };
}
