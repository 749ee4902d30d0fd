// `helm-canary rbac`: the ServiceAccount, Role and RoleBinding helm-canary needs in a namespace,
// as YAML to pipe into `kubectl apply -f -` (or JSON). Needs no cluster. With -f, the chart of
// canary.yaml is rendered (helm template, hooks included) and the kinds it creates are granted too:
// a team's own chart in overlay mode has a ServiceAccount, an HPA, hook Jobs...
import { stringify } from 'yaml';
import type { CliDeps } from '../../cli-deps.js';
import { InputError, UnreachableError } from '../../errors.js';
import { chartArgs } from '../../../engine/index.js';
import { loadConfig } from '../../../config/load-config.js';
import { resolveHelmBinary } from '../../../config/resolve-target.js';
import { ExecaHelmRunner } from '../../../helm/execa-helm-runner.js';
import { chartKindRules, LEAST_PRIVILEGE_RULES, leastPrivilegeManifests, type ExplainedRule } from '../../../kube/least-privilege.js';
import { manifestObjects } from '../../../kube/release-objects.js';

/** RbacFlags are rbac's flags. */
export interface RbacFlags {
  namespace: string;
  serviceAccount: string;
  output: 'yaml' | 'json';
  /** -f: also grant what canary.yaml's chart creates. */
  file?: string;
  helm?: string;
}

// The kinds canary.yaml's chart renders with its values files (hooks included, helm's tests not:
// an upgrade never creates them), as the rules helm needs for them.
async function chartRules(flags: RbacFlags): Promise<{ rules: ExplainedRule[]; clusterScoped: string[]; chart: string }> {
  const config = loadConfig({ file: flags.file });
  const { chart, valuesFiles, release } = config.spec;
  const runner = new ExecaHelmRunner({ binary: resolveHelmBinary(flags, process.env, config.target) });
  const argv = ['template', release, ...chartArgs(chart), '--namespace', flags.namespace, ...valuesFiles.flatMap((f) => ['--values', f]), '--skip-tests'];
  const manifest = await runner.template(argv).catch((err: Error & { stderr?: string }) => {
    throw new UnreachableError(`could not render the chart of ${config.source ?? 'canary.yaml'} to list the kinds it creates`, [err.stderr?.trim() || err.message]);
  });
  const kinds = manifestObjects(manifest).map((o) => ({ apiVersion: String(o.apiVersion ?? ''), kind: String(o.kind ?? '') })).filter((k) => k.kind);
  return { ...chartKindRules(kinds), chart: chart.kind === 'path' ? chart.path : chartArgs(chart)[0]! };
}

// A Kubernetes name: lower-case letters, digits and "-", starting and ending alphanumeric.
const NAME = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

/** runRbac prints the manifests. */
export async function runRbac(flags: RbacFlags, deps: CliDeps): Promise<void> {
  const problems = [
    NAME.test(flags.namespace) ? undefined : `--namespace: must be a valid Kubernetes name (got ${JSON.stringify(flags.namespace)})`,
    NAME.test(flags.serviceAccount) ? undefined : `--service-account: must be a valid Kubernetes name (got ${JSON.stringify(flags.serviceAccount)})`,
  ].filter((p): p is string => p !== undefined);
  if (problems.length) throw new InputError('invalid input', problems);
  const extra = flags.file === undefined ? undefined : await chartRules(flags);
  const manifests = leastPrivilegeManifests({ ...flags, extraRules: extra?.rules });
  if (flags.output === 'json') {
    deps.stdout.write(`${JSON.stringify({ apiVersion: 'v1', kind: 'List', items: manifests }, null, 2)}\n`);
    return;
  }
  const why = [...LEAST_PRIVILEGE_RULES, ...(extra?.rules ?? [])].map((r) => `#   ${r.resources.join(', ')}: ${r.why}`);
  const header = [
    `# What helm-canary (and the helm it runs) needs in namespace ${flags.namespace}, and nothing more.`,
    extra
      ? `# With what the chart ${extra.chart} creates (rendered with its values files, hooks included).`
      : '# A chart with other kinds of objects (ConfigMaps, HorizontalPodAutoscalers...) needs them added: rbac -f canary.yaml lists them.',
    ...why,
    ...(extra?.clusterScoped.length ? [`# Not granted (cluster-scoped: a ClusterRole's, not a Role's): ${extra.clusterScoped.join(', ')}`] : []),
  ];
  deps.stdout.write(`${header.join('\n')}\n${manifests.map((m) => stringify(m, { aliasDuplicateObjects: false }).trimEnd()).join('\n---\n')}\n`);
}
