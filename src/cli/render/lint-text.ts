// What `helm-canary lint` prints when every check passed: one "ok:" line, and in overlay mode what
// the overlay would generate from the chart (describeOverlay), for people; the same as a document
// for `--output json|yaml`.
import type { OverlayDescription } from '../../overlay/index.js';

/** LintReport is lint's result: what was checked, and in overlay mode what the overlay would generate. */
export interface LintReport {
  ok: true;
  mode: 'values' | 'overlay';
  plan: string;
  stages: number;
  /** How many distinct sets of stage and rollback values were rendered with `helm template`. */
  renderedValues: number;
  /** The helm version that rendered them (what helm printed, e.g. "v3.17.2+gcc0bbbd"). */
  helm: string;
  /** "passed" for a local chart; "skipped" for a repository or OCI chart (helm lint needs a directory). */
  helmLint: 'passed' | 'skipped';
  /** Overlay mode: what the overlay generates, from stage 1's values rendered without it. */
  overlay?: OverlayDescription & { renderedFrom: string };
}

const labels = (l: Record<string, string>): string =>
  Object.entries(l)
    .map(([k, v]) => `${k}=${v}`)
    .join(',') || '(none)';

/** renderLintText renders a passing lint for people. Values mode prints the "ok:" line alone, as it always has. */
export function renderLintText(report: LintReport): string {
  const through = report.mode === 'overlay' ? " through helm-canary's overlay post-renderer" : '';
  const lines = [
    `ok: config valid; plan ${report.plan} has ${report.stages} stages; ${report.renderedValues} distinct stage values rendered with helm ${report.helm}${through}` +
      `${report.helmLint === 'passed' ? '; helm lint passed' : ''}`,
  ];
  const o = report.overlay;
  if (o) {
    const hpa = o.autoscalers.map((h) => `HorizontalPodAutoscaler "${h.name}"${h.ownsProductionReplicas ? " (owns production's replicas: helm-canary leaves them to it)" : " (the chart also sets replicas: each apply resets production's)"}`);
    const pdb = o.disruptionBudgets.map((p) => `PodDisruptionBudget "${p.name}" (${p.countsCanary ? (p.countsProduction ? 'counts both tracks' : "counts the canary's pods") : "counts production's pods only"})`);
    lines.push(
      '',
      `overlay (mode: overlay), from the chart rendered with ${o.renderedFrom}'s values:`,
      `  canaries:         Deployment "${o.deployment}", container "${o.container}", Service "${o.service}"`,
      `  split label:      ${o.splitKey} (in Deployment "${o.deployment}"'s selector ${labels(o.deploymentSelector)}; the canary's pods lack it)`,
      `  Service selector: ${labels(o.serviceSelectorBefore)} -> ${labels(o.serviceSelectorAfter)}${o.serviceSelectorChanged ? '' : ' (unchanged)'}`,
      `  generates:        ${o.generated.map((g) => `${g.kind} "${g.name}"`).join(', ')}`,
      `  subsets:          production ${labels(o.productionSubset)}; canary ${labels(o.canarySubset)}`,
      `  routes hosts:     ${o.hosts.join(', ')}${o.gateways.length ? ` (gateways: ${o.gateways.join(', ')})` : ' (mesh only)'}`,
      `  autoscaling:      ${hpa.length ? hpa.join('; ') : 'no HorizontalPodAutoscaler on the Deployment'}`,
      `  disruption:       ${pdb.length ? pdb.join('; ') : 'no PodDisruptionBudget on its pods'}`,
      `  hooks:            ${o.hooks.length ? `${o.hooks.map((h) => `${h.kind} "${h.name}" (${h.hook})`).join(', ')}, left exactly as rendered` : 'none'}`,
      '  adoption:         restarts no pod (the Deployment\'s selector and pod labels stay as they are)',
      ...o.notes.map((n) => `  note: ${n}`),
      ...o.warnings.map((w) => `  warning: ${w}`),
    );
  }
  return `${lines.join('\n')}\n`;
}
