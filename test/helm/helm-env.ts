// Test support: the real helm 3 and helm 4 binaries, and an environment per test that keeps
// helm away from the developer's own config, cache and clusters.
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

/** repoRoot is the checkout the tests run from. */
export const repoRoot = resolve(fileURLToPath(new URL('../..', import.meta.url)));

/** HELM_MAJORS are the helm major versions every helm test runs against. */
export const HELM_MAJORS = [3, 4] as const;

/** helmBinaries gives the extracted helm 3 and helm 4 paths, extracting them if needed. */
export async function helmBinaries(): Promise<Record<3 | 4, string>> {
  const dir = process.env.HELM_CANARY_CACHE ?? join(repoRoot, '.cache', 'helm');
  const paths = { 3: join(dir, 'helm3'), 4: join(dir, 'helm4') };
  if (existsSync(paths[3]) && existsSync(paths[4])) return paths;
  const setup = await import(pathToFileURL(join(repoRoot, 'scripts', 'setup-helm.mjs')).href);
  return setup.setupHelm();
}

/** IsolatedHelm is a private HOME, helm config/cache/data dirs and KUBECONFIG for one test. */
export interface IsolatedHelm {
  dir: string;
  env: Record<string, string>;
  cleanup(): void;
}

/** isolatedHelmEnv makes an IsolatedHelm; its kubeconfig points at `server` (default: a closed port). */
export function isolatedHelmEnv(server = 'https://127.0.0.1:1'): IsolatedHelm {
  const dir = mkdtempSync(join(tmpdir(), 'helm-canary-test-'));
  const kubeconfig = join(dir, 'kubeconfig');
  writeFileSync(
    kubeconfig,
    [
      'apiVersion: v1',
      'kind: Config',
      'clusters: [{name: test, cluster: {server: "' + server + '"}}]',
      'users: [{name: test, user: {token: test}}]',
      'contexts: [{name: test, context: {cluster: test, user: test, namespace: default}}]',
      'current-context: test',
      '',
    ].join('\n'),
  );
  return {
    dir,
    env: {
      HOME: dir,
      KUBECONFIG: kubeconfig,
      HELM_CONFIG_HOME: join(dir, 'config'),
      HELM_CACHE_HOME: join(dir, 'cache'),
      HELM_DATA_HOME: join(dir, 'data'),
    },
    cleanup: () => rmSync(dir, { recursive: true, force: true }),
  };
}
