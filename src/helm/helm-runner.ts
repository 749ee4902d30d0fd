// The port through which the rest of helm-canary runs helm. Named by its role, passed in as an
// argument, so commands and the runner of stages can be tested with a fake (execa-helm-runner.ts
// is the real one).
import type { HelmVersion } from './helm-version.js';

/** HelmEnv is extra environment for helm (KUBECONFIG, HELM_DRIVER, HOME...), merged over the process's. */
export type HelmEnv = Record<string, string | undefined>;

/** HelmRunOptions tune one long-running helm call. */
export interface HelmRunOptions {
  /** cwd is where relative chart and values paths are resolved (default: the process's). */
  cwd?: string;
  /** env is merged over the runner's own env for this call. */
  env?: HelmEnv;
  /** onOutput receives helm's output line by line while it runs, e.g. to show progress of --wait. */
  onOutput?: (line: string, stream: 'stdout' | 'stderr') => void;
  /** timeoutMs kills helm after this long; helm's own --timeout should normally fire first. */
  timeoutMs?: number;
  /** signal cancels the run (helm is killed; the release may be left pending). */
  signal?: AbortSignal;
}

/**
 * HelmObserver sees every helm call a runner makes: the command before it runs, then what helm
 * prints, line by line, as it prints it (`--debug`, and CI log groups, show helm's own output).
 */
export interface HelmObserver {
  command(binary: string, argv: readonly string[]): void;
  output(line: string, stream: 'stdout' | 'stderr'): void;
}

/** HelmOutput is what a successful helm call printed. */
export interface HelmOutput {
  stdout: string;
  stderr: string;
}

/** HelmReleaseStatus is the part of `helm status -o json` helm-canary uses. */
export interface HelmReleaseStatus {
  name: string;
  namespace: string;
  revision: number;
  /** status is helm's: deployed, failed, pending-install, pending-upgrade, pending-rollback, superseded, uninstalling, uninstalled, unknown. */
  status: string;
  description: string;
  /** lastDeployed is helm's timestamp text; empty when helm has none. */
  lastDeployed: string;
}

/** HelmHistoryEntry is one revision from `helm history -o json`. */
export interface HelmHistoryEntry {
  revision: number;
  updated: string;
  status: string;
  chart: string;
  appVersion: string;
  description: string;
}

/** HelmReleaseMetadata is the part of `helm get metadata -o json` helm-canary uses (latest revision). */
export interface HelmReleaseMetadata {
  revision: number;
  status: string;
  /**
   * applyMethod is how helm 4 applied the revision: "ssa" (server-side apply) or "csa" (client-side
   * three-way merge); "" when helm does not say (helm 3, or a revision helm 3 wrote). An upgrade with
   * helm 4's default `--server-side auto` applies the way the latest revision was applied.
   */
  applyMethod: string;
}

/** HelmLintResult is the outcome of `helm lint`: lint failures are results, not errors. */
export interface HelmLintResult {
  ok: boolean;
  output: string;
}

/** GetValuesOptions select which values `helm get values` returns. */
export interface GetValuesOptions {
  /** all includes the chart's defaults (--all), not only the values the release was given. */
  all?: boolean;
  /** revision reads an older revision's values. */
  revision?: number;
}

/** HelmRunner runs helm. Failures throw HelmError. */
export interface HelmRunner {
  /** binary is the helm executable this runner runs. */
  readonly binary: string;
  /** version is the helm version, asked once per runner. */
  version(): Promise<HelmVersion>;
  /** upgrade runs an `upgrade` argv as the engine built it (argv[0] must be "upgrade"). */
  upgrade(argv: string[], options?: HelmRunOptions): Promise<HelmOutput>;
  /** getValues is `helm get values -o json`: the values the release was given ({} when none). */
  getValues(release: string, namespace: string, options?: GetValuesOptions): Promise<Record<string, unknown>>;
  /** history is `helm history -o json`, oldest revision first. */
  history(release: string, namespace: string): Promise<HelmHistoryEntry[]>;
  /** status is `helm status -o json`, reduced to what helm-canary reads. */
  status(release: string, namespace: string): Promise<HelmReleaseStatus>;
  /** getMetadata is `helm get metadata -o json`: the latest revision's number, status and apply method. */
  getMetadata(release: string, namespace: string): Promise<HelmReleaseMetadata>;
  /** getManifest is `helm get manifest`: the rendered objects of the release's latest revision. */
  getManifest(release: string, namespace: string): Promise<string>;
  /** rollback is `helm rollback RELEASE REVISION` (no --wait), used to clear a release stuck pending. */
  rollback(release: string, namespace: string, revision: number, options?: { timeout?: string }): Promise<void>;
  /** template runs a `template` argv (argv[0] must be "template") and returns the manifests. */
  template(argv: string[], options?: HelmRunOptions): Promise<string>;
  /** lint runs `helm lint` of a chart with the given values files. */
  lint(chart: string, valuesFiles?: string[]): Promise<HelmLintResult>;
}
