// The helm argv that applies one set of values. Always an argv array: nothing is ever joined
// into a shell string (the `script` output quotes each word itself).
import type { ChartRef, ReleaseSpec } from './types.js';

/** chartArgs gives the chart argument and the flags that locate it. */
export function chartArgs(chart: ChartRef): string[] {
  switch (chart.kind) {
    case 'path':
      return [chart.path];
    case 'repo':
      return [chart.name, '--repo', chart.repoUrl, ...(chart.version ? ['--version', chart.version] : [])];
    case 'oci':
      return [chart.ref, ...(chart.version ? ['--version', chart.version] : [])];
  }
}

/** UpgradeArgsOptions shape one upgrade's argv. */
export interface UpgradeArgsOptions {
  /**
   * wait adds helm's --wait (default true: what a person running a stage by hand needs). The
   * runner passes false and waits itself, only for the Deployments an apply changes: helm's
   * --wait waits for every workload of the release, a crash-looping one the step does not touch
   * included.
   */
  wait?: boolean;
  /** description is kept by helm with the revision (`helm history` shows it). */
  description?: string;
}

/** upgradeArgs is `helm upgrade --install` of the release with the user's values files, then the stage's. */
export function upgradeArgs(spec: Pick<ReleaseSpec, 'release' | 'namespace' | 'chart' | 'valuesFiles' | 'helm'>, stageValuesFile: string, options: UpgradeArgsOptions = {}): string[] {
  const { helm } = spec;
  return [
    'upgrade',
    '--install',
    spec.release,
    ...chartArgs(spec.chart),
    '--namespace',
    spec.namespace,
    ...(helm.createNamespace ? ['--create-namespace'] : []),
    ...(helm.kubeContext ? ['--kube-context', helm.kubeContext] : []),
    ...spec.valuesFiles.flatMap((f) => ['--values', f]),
    '--values',
    stageValuesFile,
    ...(options.wait === false ? [] : ['--wait']),
    ...(options.description ? ['--description', options.description] : []),
    '--timeout',
    helm.timeout,
    ...helm.extraArgs,
  ];
}
