// The permissions helm-canary needs in a release's namespace, and nothing more: what the tool
// itself reads and writes (its record, its lease, the release's live objects) and what helm needs
// to install and upgrade the reference chart (charts/canary-app) and keep its release Secrets.
// Pure data: `helm-canary rbac` prints it, and the real control plane's e2e tier runs with it.

/** PolicyRule is one rule of a Role, as Kubernetes writes it. */
export interface PolicyRule {
  apiGroups: string[];
  resources: string[];
  verbs: string[];
}

/** RuleUse says who needs a rule and why, printed beside it. */
export interface ExplainedRule extends PolicyRule {
  why: string;
}

/** HELM_WRITE are the verbs helm uses on the objects of a chart (helm 4's server-side apply patches). */
const HELM_WRITE = ['get', 'list', 'watch', 'create', 'update', 'patch', 'delete'];

/** LEAST_PRIVILEGE_RULES are the rules of the Role helm-canary runs with, in a release's namespace. */
export const LEAST_PRIVILEGE_RULES: readonly ExplainedRule[] = [
  { apiGroups: [''], resources: ['configmaps'], verbs: ['get', 'list', 'create', 'update'], why: 'the rollout record (ConfigMap helm-canary-<release>); list for status --all' },
  { apiGroups: ['coordination.k8s.io'], resources: ['leases'], verbs: ['get', 'create', 'update'], why: 'one mover at a time (Lease helm-canary-<release>)' },
  { apiGroups: ['apps'], resources: ['replicasets'], verbs: ['list'], why: "readiness of each Deployment's current ReplicaSet" },
  { apiGroups: [''], resources: ['secrets'], verbs: HELM_WRITE, why: "helm's release storage (Secrets sh.helm.release.v1.<release>.v<N>)" },
  { apiGroups: ['apps'], resources: ['deployments'], verbs: HELM_WRITE, why: "the chart's two Deployments (helm), and their live state (helm-canary)" },
  { apiGroups: [''], resources: ['services'], verbs: HELM_WRITE, why: "the chart's Service (helm)" },
  { apiGroups: ['networking.istio.io'], resources: ['virtualservices', 'destinationrules'], verbs: HELM_WRITE, why: "the chart's VirtualService and DestinationRule (helm), and the live weights (helm-canary)" },
];

/** RbacOptions name the namespace and the ServiceAccount the Role is bound to. */
export interface RbacOptions {
  namespace: string;
  serviceAccount: string;
}

/** leastPrivilegeManifests are the ServiceAccount, Role and RoleBinding helm-canary runs with in `namespace`. */
export function leastPrivilegeManifests(options: RbacOptions): Record<string, unknown>[] {
  const { namespace, serviceAccount } = options;
  const labels = { 'app.kubernetes.io/managed-by': 'helm-canary' };
  return [
    { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: serviceAccount, namespace, labels } },
    {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'Role',
      metadata: { name: serviceAccount, namespace, labels },
      rules: LEAST_PRIVILEGE_RULES.map(({ apiGroups, resources, verbs }) => ({ apiGroups, resources, verbs })),
    },
    {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'RoleBinding',
      metadata: { name: serviceAccount, namespace, labels },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: serviceAccount },
      subjects: [{ kind: 'ServiceAccount', name: serviceAccount, namespace }],
    },
  ];
}
