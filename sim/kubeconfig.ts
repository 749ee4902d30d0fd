// Writes a kubeconfig that points helm, kubectl and @kubernetes/client-node at the simulated
// API server. The token is a placeholder: the simulator does not authenticate.
// `insecure-skip-tls-verify` is set because @kubernetes/client-node 1.x refuses a plain
// `http://` server otherwise ("HTTP protocol is not allowed when skipTLSVerify is not set");
// client-go (helm) ignores it for plain HTTP.
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import YAML from 'yaml';

/** KUBECONFIG_CONTEXT is the context (and cluster and user) name in generated kubeconfigs. */
export const KUBECONFIG_CONTEXT = 'helm-canary-sim';

/** kubeconfigYaml renders a kubeconfig for a server URL. */
export function kubeconfigYaml(serverUrl: string, namespace?: string): string {
  return YAML.stringify({
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [{ name: KUBECONFIG_CONTEXT, cluster: { server: serverUrl, 'insecure-skip-tls-verify': true } }],
    users: [{ name: KUBECONFIG_CONTEXT, user: { token: 'simulated-cluster-token' } }],
    contexts: [{ name: KUBECONFIG_CONTEXT, context: { cluster: KUBECONFIG_CONTEXT, user: KUBECONFIG_CONTEXT, ...(namespace ? { namespace } : {}) } }],
    'current-context': KUBECONFIG_CONTEXT,
    preferences: {},
  });
}

/** writeKubeconfig writes a kubeconfig into `dir` (a new temp dir when absent) and returns its path. */
export async function writeKubeconfig(serverUrl: string, dir?: string): Promise<string> {
  const target = dir ?? (await mkdtemp(join(tmpdir(), 'helm-canary-sim-')));
  const path = join(target, 'kubeconfig');
  // helm warns when a kubeconfig is group- or world-readable.
  await writeFile(path, kubeconfigYaml(serverUrl), { mode: 0o600 });
  return path;
}
