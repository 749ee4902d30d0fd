// The names and labels of the objects helm-canary itself keeps in a release's namespace (the
// record ConfigMap and the Lease), in one place so every reader and writer agrees.

/** MANAGED_BY_LABEL marks objects helm-canary created; its value is MANAGED_BY. */
export const MANAGED_BY_LABEL = 'app.kubernetes.io/managed-by';
/** MANAGED_BY is the value of MANAGED_BY_LABEL on helm-canary's objects. */
export const MANAGED_BY = 'helm-canary';
/** RELEASE_LABEL names the Helm release an object belongs to. */
export const RELEASE_LABEL = 'helm-canary/release';

/** stateObjectName is the name of a release's record ConfigMap and Lease: `helm-canary-<release>`. */
export function stateObjectName(release: string): string {
  return `helm-canary-${release}`;
}

/** stateLabels are the labels of a release's record ConfigMap and Lease. */
export function stateLabels(release: string): Record<string, string> {
  return { [MANAGED_BY_LABEL]: MANAGED_BY, [RELEASE_LABEL]: release };
}
