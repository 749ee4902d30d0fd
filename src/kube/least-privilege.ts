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
  /** extraRules are added after the least-privilege rules (the chart's own kinds: chartKindRules). */
  extraRules?: readonly PolicyRule[];
}

/** RenderedKind is one kind a chart renders. */
export interface RenderedKind {
  apiVersion: string;
  kind: string;
}

// The REST resource of the kinds charts commonly render, by API group; any other kind's resource
// is guessed from its name, as Kubernetes names most of them (said beside the rule).
const KNOWN_RESOURCES: Readonly<Record<string, Readonly<Record<string, string>>>> = {
  '': { ConfigMap: 'configmaps', Secret: 'secrets', Service: 'services', ServiceAccount: 'serviceaccounts', PersistentVolumeClaim: 'persistentvolumeclaims', Pod: 'pods', Endpoints: 'endpoints', LimitRange: 'limitranges', ResourceQuota: 'resourcequotas' },
  apps: { Deployment: 'deployments', StatefulSet: 'statefulsets', DaemonSet: 'daemonsets', ReplicaSet: 'replicasets' },
  batch: { Job: 'jobs', CronJob: 'cronjobs' },
  autoscaling: { HorizontalPodAutoscaler: 'horizontalpodautoscalers' },
  policy: { PodDisruptionBudget: 'poddisruptionbudgets' },
  'networking.k8s.io': { Ingress: 'ingresses', NetworkPolicy: 'networkpolicies' },
  'rbac.authorization.k8s.io': { Role: 'roles', RoleBinding: 'rolebindings' },
  'networking.istio.io': { Gateway: 'gateways', VirtualService: 'virtualservices', DestinationRule: 'destinationrules', ServiceEntry: 'serviceentries', Sidecar: 'sidecars' },
  'security.istio.io': { AuthorizationPolicy: 'authorizationpolicies', PeerAuthentication: 'peerauthentications', RequestAuthentication: 'requestauthentications' },
};
// Kinds no Role can grant: they live outside any namespace.
const CLUSTER_SCOPED = new Set(['Namespace', 'ClusterRole', 'ClusterRoleBinding', 'CustomResourceDefinition', 'PersistentVolume', 'StorageClass', 'PriorityClass', 'IngressClass', 'MutatingWebhookConfiguration', 'ValidatingWebhookConfiguration', 'APIService']);

function guessResource(kind: string): string {
  const lower = kind.toLowerCase();
  if (/(s|x|ch|sh)$/.test(lower)) return `${lower}es`;
  if (/[^aeiou]y$/.test(lower)) return `${lower.slice(0, -1)}ies`;
  return `${lower}s`;
}

/**
 * chartKindRules are the rules helm needs for the kinds a chart renders beyond what
 * LEAST_PRIVILEGE_RULES grant (a team's own chart in overlay mode: its ServiceAccount, HPA, PDB,
 * hook Jobs...), one per API group; and the cluster-scoped kinds, which need a ClusterRole.
 */
export function chartKindRules(kinds: readonly RenderedKind[]): { rules: ExplainedRule[]; clusterScoped: string[] } {
  const granted = (group: string, resource: string) => LEAST_PRIVILEGE_RULES.some((r) => r.apiGroups.includes(group) && r.resources.includes(resource) && HELM_WRITE.every((v) => r.verbs.includes(v)));
  const byGroup = new Map<string, { resources: Set<string>; kinds: string[]; guessed: string[] }>();
  const clusterScoped = new Set<string>();
  for (const { apiVersion, kind } of kinds) {
    if (CLUSTER_SCOPED.has(kind)) {
      clusterScoped.add(kind);
      continue;
    }
    const group = apiVersion.includes('/') ? apiVersion.split('/')[0]! : '';
    const known = KNOWN_RESOURCES[group]?.[kind];
    const resource = known ?? guessResource(kind);
    if (granted(group, resource)) continue;
    const entry = byGroup.get(group) ?? { resources: new Set<string>(), kinds: [], guessed: [] };
    if (!entry.resources.has(resource)) {
      entry.resources.add(resource);
      entry.kinds.push(kind);
      if (!known) entry.guessed.push(resource);
    }
    byGroup.set(group, entry);
  }
  const rules = [...byGroup.entries()].map(([group, { resources, kinds: named, guessed }]) => ({
    apiGroups: [group],
    resources: [...resources],
    verbs: HELM_WRITE,
    why: `the chart's own ${named.join(', ')} (helm)${guessed.length ? `; resource names guessed from the kind, check with kubectl api-resources: ${guessed.join(', ')}` : ''}`,
  }));
  return { rules, clusterScoped: [...clusterScoped] };
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
      rules: [...LEAST_PRIVILEGE_RULES, ...(options.extraRules ?? [])].map(({ apiGroups, resources, verbs }) => ({ apiGroups, resources, verbs })),
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
