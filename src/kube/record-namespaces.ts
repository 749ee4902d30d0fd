// Where rollout records are, cluster-wide (status -A): the namespaces holding a helm-canary
// ConfigMap, from one list across all namespaces; when the user may not list ConfigMaps
// cluster-wide, every namespace they can see is a candidate, and each is tried on its own.
import type { KubeConnection } from './kube-context.js';
import { apiStatusOf } from './kube-errors.js';
import { MANAGED_BY, MANAGED_BY_LABEL } from './object-names.js';

/** RecordNamespaces are the namespaces to read records in; `exact` is false when they are every visible namespace, not only those with records. */
export interface RecordNamespaces {
  namespaces: string[];
  exact: boolean;
}

/** namespacesWithRecords lists the namespaces that hold rollout records (or, without a cluster-wide list right, every namespace the user can list). */
export async function namespacesWithRecords(kube: KubeConnection): Promise<RecordNamespaces> {
  const labelSelector = `${MANAGED_BY_LABEL}=${MANAGED_BY}`;
  try {
    const list = await kube.core.listConfigMapForAllNamespaces({ labelSelector });
    const found = new Set(list.items.map((cm) => cm.metadata?.namespace ?? '').filter(Boolean));
    return { namespaces: [...found].sort(), exact: true };
  } catch (err) {
    if (apiStatusOf(err)?.code !== 403) return kube.call('ConfigMaps in all namespaces', () => Promise.reject(err));
  }
  const namespaces = await kube.call('Namespaces', () => kube.core.listNamespace());
  return { namespaces: namespaces.items.map((n) => n.metadata?.name ?? '').filter(Boolean).sort(), exact: false };
}
