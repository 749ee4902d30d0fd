// The ServiceAccount admission plugin's check on a new pod: the ServiceAccount it runs as
// (spec.serviceAccountName, `default` when empty) must exist in its namespace, else the API server
// refuses the pod with a 403. It bites charts whose pre-install hook runs as a ServiceAccount the
// same release creates: the hook runs first, its Job's pod is refused, and helm waits until it
// times out. The simulator applies it to the pods its controllers create (ReplicaSet, Job);
// pods created through the API are not checked (clusters started without controllers have no
// `default` ServiceAccount to check against).
import type { KubeObject, ObjectStore } from './types.js';
import { KINDS } from './resources.js';

/** podServiceAccount is the ServiceAccount a pod runs as. */
export function podServiceAccount(pod: KubeObject): string {
  const spec = (pod.spec ?? {}) as { serviceAccountName?: unknown; serviceAccount?: unknown };
  const name = spec.serviceAccountName || spec.serviceAccount;
  return typeof name === 'string' && name !== '' ? name : 'default';
}

/** serviceAccountRefusal is the API server's message refusing `pod` (its ServiceAccount is missing), or undefined when admitted. */
export function serviceAccountRefusal(store: ObjectStore, pod: KubeObject): string | undefined {
  const namespace = pod.metadata.namespace ?? '';
  const name = podServiceAccount(pod);
  if (store.get(KINDS.serviceAccount, namespace, name)) return undefined;
  return `pods "${pod.metadata.name}" is forbidden: error looking up service account ${namespace}/${name}: serviceaccount "${name}" not found`;
}
