// A kubeconfig for a ServiceAccount, with a token from the TokenRequest API (what `kubectl create
// token` does): the e2e tier runs the tool as the ServiceAccount of `helm-canary rbac`, so RBAC,
// not the admin's system:masters, decides what it may do. Used on the launcher's control plane and
// on any cluster the e2e tier is pointed at (test/helpers/e2e-target.ts).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import YAML from 'yaml';
import { apiClient, apiClientFor, type ApiClient, type ApiCredentials } from './launch-api.js';
import { writePrivate } from './launch-pki.js';
import type { RealCluster } from './launch.js';

/** ServiceAccountAccess is a ServiceAccount's kubeconfig, and a client acting as it. */
export interface ServiceAccountAccess {
  kubeconfigPath: string;
  api: ApiClient;
}

/**
 * serviceAccountKubeconfig requests a one-hour token for `namespace/name` through `admin` and writes
 * a kubeconfig for it at `path`, pointing at `cluster` (its server, and its CA or insecure flag).
 */
export async function serviceAccountKubeconfig(admin: ApiClient, cluster: ApiCredentials, namespace: string, name: string, path: string): Promise<ServiceAccountAccess> {
  const res = await admin.call('POST', `/api/v1/namespaces/${namespace}/serviceaccounts/${name}/token`,
    JSON.stringify({ apiVersion: 'authentication.k8s.io/v1', kind: 'TokenRequest', spec: { expirationSeconds: 3600 } }));
  if (res.status !== 201) throw new Error(`could not get a token for ServiceAccount ${namespace}/${name}: HTTP ${res.status} ${res.text}`);
  const token: string = res.body.status.token;
  const user = `system:serviceaccount:${namespace}:${name}`;
  const clusterEntry: Record<string, unknown> = { server: cluster.server };
  if (cluster.ca) clusterEntry['certificate-authority-data'] = cluster.ca.toString('base64');
  if (cluster.insecure) clusterEntry['insecure-skip-tls-verify'] = true;
  await writePrivate(path, YAML.stringify({
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [{ name: 'cluster', cluster: clusterEntry }],
    users: [{ name: user, user: { token } }],
    contexts: [{ name: 'cluster', context: { cluster: 'cluster', user, namespace } }],
    'current-context': 'cluster',
    preferences: {},
  }));
  return { kubeconfigPath: path, api: apiClientFor({ server: cluster.server, ca: cluster.ca, insecure: cluster.insecure, token }) };
}

/** serviceAccountAccess is serviceAccountKubeconfig on the launcher's control plane, written to `<dir>/<namespace>-<name>.kubeconfig`. */
export function serviceAccountAccess(cluster: RealCluster, namespace: string, name: string): Promise<ServiceAccountAccess> {
  const credentials = { server: cluster.server, ca: readFileSync(cluster.pki.ca.cert) };
  return serviceAccountKubeconfig(apiClient(cluster.server, cluster.pki), credentials, namespace, name, join(cluster.dir, `${namespace}-${name}.kubeconfig`));
}
