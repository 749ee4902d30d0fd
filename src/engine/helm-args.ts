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

/** upgradeArgs is `helm upgrade --install` of the release with the user's values files, then the stage's. */
export function upgradeArgs(spec: Pick<ReleaseSpec, 'release' | 'namespace' | 'chart' | 'valuesFiles' | 'helm'>, stageValuesFile: string): string[] {
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
    '--wait',
    '--timeout',
    helm.timeout,
    ...helm.extraArgs,
  ];
}
