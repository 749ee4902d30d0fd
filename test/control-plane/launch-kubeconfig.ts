// Kubeconfigs for the local control plane: one per identity (admin, controller-manager,
// scheduler, kwok), each naming the CA and a client certificate by file path, so the files stay
// readable and a person can swap in their own.
import { join } from 'node:path';
import YAML from 'yaml';
import type { CertPair } from './launch-pki.js';
import { writePrivate } from './launch-pki.js';

/** REAL_CONTEXT is the context (and cluster) name in the generated kubeconfigs. */
export const REAL_CONTEXT = 'helm-canary-real';

/** realKubeconfigYaml renders a kubeconfig for `server`, trusting `caCert`, as the holder of `client`. */
export function realKubeconfigYaml(server: string, caCert: string, client: CertPair, user: string): string {
  return YAML.stringify({
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [{ name: REAL_CONTEXT, cluster: { server, 'certificate-authority': caCert } }],
    users: [{ name: user, user: { 'client-certificate': client.cert, 'client-key': client.key } }],
    contexts: [{ name: REAL_CONTEXT, context: { cluster: REAL_CONTEXT, user } }],
    'current-context': REAL_CONTEXT,
    preferences: {},
  });
}

/** writeRealKubeconfig writes `<dir>/<name>.kubeconfig` (mode 0600) and returns its path. */
export async function writeRealKubeconfig(dir: string, name: string, server: string, caCert: string, client: CertPair): Promise<string> {
  const path = join(dir, `${name}.kubeconfig`);
  await writePrivate(path, realKubeconfigYaml(server, caCert, client, name));
  return path;
}
