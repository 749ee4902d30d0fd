// A kubeconfig for a ServiceAccount of the real control plane, with a token from the TokenRequest
// API (what `kubectl create token` does): the e2e tier runs the tool as the ServiceAccount of
// `helm-canary rbac`, so RBAC, not the admin's system:masters, decides what it may do.
import { join } from 'node:path';
import YAML from 'yaml';
import { apiClient, type ApiClient } from './launch-api.js';
import { REAL_CONTEXT } from './launch-kubeconfig.js';
import { writePrivate } from './launch-pki.js';
import type { RealCluster } from './launch.js';

/** ServiceAccountAccess is a ServiceAccount's kubeconfig, and a client acting as it. */
export interface ServiceAccountAccess {
  kubeconfigPath: string;
  api: ApiClient;
}

/** serviceAccountAccess requests a one-hour token for `namespace/name` and writes `<dir>/<namespace>-<name>.kubeconfig`. */
export async function serviceAccountAccess(cluster: RealCluster, namespace: string, name: string): Promise<ServiceAccountAccess> {
  const res = await cluster.api.call('POST', `/api/v1/namespaces/${namespace}/serviceaccounts/${name}/token`,
    JSON.stringify({ apiVersion: 'authentication.k8s.io/v1', kind: 'TokenRequest', spec: { expirationSeconds: 3600 } }));
  if (res.status !== 201) throw new Error(`could not get a token for ServiceAccount ${namespace}/${name}: HTTP ${res.status} ${res.text}`);
  const token: string = res.body.status.token;
  const user = `system:serviceaccount:${namespace}:${name}`;
  const kubeconfigPath = join(cluster.dir, `${namespace}-${name}.kubeconfig`);
  await writePrivate(kubeconfigPath, YAML.stringify({
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [{ name: REAL_CONTEXT, cluster: { server: cluster.server, 'certificate-authority': cluster.pki.ca.cert } }],
    users: [{ name: user, user: { token } }],
    contexts: [{ name: REAL_CONTEXT, context: { cluster: REAL_CONTEXT, user, namespace } }],
    'current-context': REAL_CONTEXT,
    preferences: {},
  }));
  return { kubeconfigPath, api: apiClient(cluster.server, cluster.pki, token) };
}
