// What the post-renderer tests share: real helm 3 and helm 4 with a private home, a chart made by
// `helm create` (nobody here wrote it), a stage's values file, and a directory whose path has
// spaces and a quote in it, where all of these live.
import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseAllDocuments, stringify } from 'yaml';
import { helmBinary } from '../sim/helm-env.js';

/** HelmRun is one finished helm run. */
export interface HelmRun {
  code: number;
  stdout: string;
  stderr: string;
}

/** Helm runs one helm version with a private home; `env` is the whole environment it runs in. */
export interface Helm {
  version: 3 | 4;
  binary: string;
  env: Record<string, string>;
  run(args: string[], extraEnv?: Record<string, string>): Promise<HelmRun>;
}

/** makeWorkspace makes a directory with spaces and a quote in its path. */
export async function makeWorkspace(): Promise<string> {
  const dir = join(await mkdtemp(join(tmpdir(), 'post render ')), "it's here");
  await mkdir(dir, { recursive: true });
  return dir;
}

/** makeHelm gives a helm of `version` whose home (and plugins, repositories, caches) is under `dir`. */
export async function makeHelm(version: 3 | 4, dir: string, kubeconfig?: string): Promise<Helm> {
  const home = join(dir, `helm${version} home`);
  await mkdir(home, { recursive: true });
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? '',
    HOME: home,
    HELM_CACHE_HOME: join(home, 'cache'),
    HELM_CONFIG_HOME: join(home, 'config'),
    HELM_DATA_HOME: join(home, 'data'),
    ...(kubeconfig ? { KUBECONFIG: kubeconfig } : {}),
  };
  const binary = helmBinary(version);
  const run = (args: string[], extraEnv: Record<string, string> = {}) =>
    new Promise<HelmRun>((resolve) => {
      execFile(binary, args, { env: { ...env, ...extraEnv }, timeout: 60_000 }, (err, stdout, stderr) => {
        resolve({ code: err ? (typeof err.code === 'number' ? err.code : 1) : 0, stdout, stderr });
      });
    });
  return { version, binary, env, run };
}

/** createChart runs `helm create web` in `dir` and returns the chart's path. */
export async function createChart(helm: Helm, dir: string): Promise<string> {
  const made = await helm.run(['create', join(dir, 'web')]);
  if (made.code !== 0) throw new Error(`helm create failed: ${made.stderr}`);
  return join(dir, 'web');
}

/** STAGE is a stage with the canary at 10%: production nginx 1.25 ×2, canary 1.26 ×1. */
export const STAGE = {
  production: { repository: 'nginx', tag: '1.25', replicas: 2, weight: 90 },
  canary: { repository: 'nginx', tag: '1.26', replicas: 1, weight: 10 },
  target: {},
  routing: { hosts: [], gateways: [] },
};

/** writeStageValues writes the generated values file of a stage: production's image at the chart's paths, and `helmCanary`. */
export async function writeStageValues(dir: string, helmCanary: unknown = STAGE, name = 'stage values.yaml'): Promise<string> {
  const file = join(dir, name);
  await writeFile(file, stringify({ image: { repository: 'nginx', tag: '1.25' }, helmCanary }));
  return file;
}

/** KubeDoc is one object of a manifest, as parsed. */
export type KubeDoc = { kind: string; metadata: { name: string; annotations?: Record<string, string> }; spec?: any };

/** objectsOf parses a manifest into its objects. */
export function objectsOf(manifest: string): KubeDoc[] {
  return parseAllDocuments(manifest).map((d) => d.toJS() as KubeDoc | null).filter((d): d is KubeDoc => d !== null);
}

/** kindsAndNames lists a manifest's objects as "Kind/name", sorted. */
export function kindsAndNames(manifest: string): string[] {
  return objectsOf(manifest).map((o) => `${o.kind}/${o.metadata.name}`).sort();
}
