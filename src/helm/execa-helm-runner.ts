// The real HelmRunner: runs the helm binary with execa, always with an argv array (never a
// shell), and turns every failure into a HelmError.
import { createInterface } from 'node:readline';
import type { Readable } from 'node:stream';
import { execa, ExecaError } from 'execa';
import { HelmError } from './helm-error.js';
import type {
  GetValuesOptions,
  HelmEnv,
  HelmHistoryEntry,
  HelmLintResult,
  HelmOutput,
  HelmReleaseStatus,
  HelmRunner,
  HelmRunOptions,
} from './helm-runner.js';
import { parseHelmVersion, type HelmVersion } from './helm-version.js';

/** ExecaHelmRunnerOptions configure the real runner; the caller decides binary and environment. */
export interface ExecaHelmRunnerOptions {
  /** binary is the helm to run: from --helm, HELM_BIN, or plain "helm" (found on PATH). */
  binary?: string;
  /** env is added to the process environment for every call (KUBECONFIG, HELM_* ...). */
  env?: HelmEnv;
  /** kubeContext is passed as --kube-context to the commands that read the cluster. */
  kubeContext?: string;
}

// Versions by binary, shared by all runners: the version of a binary cannot change while we
// run, and asking costs a process start. Only successes are kept, so a fixed PATH is noticed.
const versions = new Map<string, Promise<HelmVersion>>();

/** ExecaHelmRunner runs helm through execa. */
export class ExecaHelmRunner implements HelmRunner {
  readonly binary: string;
  private readonly env: HelmEnv;
  private readonly kubeContext: string | undefined;

  constructor(options: ExecaHelmRunnerOptions = {}) {
    this.binary = options.binary ?? 'helm';
    this.env = options.env ?? {};
    this.kubeContext = options.kubeContext;
  }

  version(): Promise<HelmVersion> {
    let pending = versions.get(this.binary);
    if (!pending) {
      pending = this.askVersion();
      versions.set(this.binary, pending);
      pending.catch(() => versions.delete(this.binary));
    }
    return pending;
  }

  private async askVersion(): Promise<HelmVersion> {
    // --short prints "v3.17.2+gcc0bbbd" on both helm 3 and helm 4.
    const argv = ['version', '--short'];
    const { stdout, stderr } = await this.run(argv);
    const version = parseHelmVersion(stdout);
    if (!version) {
      throw new HelmError({ binary: this.binary, command: argv, exitCode: 0, timedOut: false,
        stderr: `unexpected output of helm version: ${JSON.stringify(stdout)} ${stderr}`.trim() });
    }
    return version;
  }

  async upgrade(argv: string[], options: HelmRunOptions = {}): Promise<HelmOutput> {
    expectSubcommand(argv, 'upgrade');
    return this.run(argv, options);
  }

  async getValues(release: string, namespace: string, options: GetValuesOptions = {}): Promise<Record<string, unknown>> {
    const argv = ['get', 'values', release, ...this.clusterFlags(namespace), '--output', 'json'];
    if (options.all) argv.push('--all');
    if (options.revision !== undefined) argv.push('--revision', String(options.revision));
    // A release installed without any values prints `null`.
    const values = parseJson(this.binary, argv, (await this.run(argv)).stdout) ?? {};
    return values as Record<string, unknown>;
  }

  async history(release: string, namespace: string): Promise<HelmHistoryEntry[]> {
    const argv = ['history', release, ...this.clusterFlags(namespace), '--output', 'json'];
    const entries = parseJson(this.binary, argv, (await this.run(argv)).stdout);
    if (!Array.isArray(entries)) return [];
    return entries.map((e: Record<string, unknown>) => ({
      revision: Number(e.revision),
      updated: String(e.updated ?? ''),
      status: String(e.status ?? 'unknown'),
      chart: String(e.chart ?? ''),
      appVersion: String(e.app_version ?? ''),
      description: String(e.description ?? ''),
    }));
  }

  async status(release: string, namespace: string): Promise<HelmReleaseStatus> {
    const argv = ['status', release, ...this.clusterFlags(namespace), '--output', 'json'];
    const doc = (parseJson(this.binary, argv, (await this.run(argv)).stdout) ?? {}) as Record<string, any>;
    const info = (doc.info ?? {}) as Record<string, unknown>;
    return {
      name: String(doc.name ?? release),
      namespace: String(doc.namespace ?? namespace),
      revision: Number(doc.version ?? 0),
      status: String(info.status ?? 'unknown'),
      description: String(info.description ?? ''),
      lastDeployed: String(info.last_deployed ?? ''),
    };
  }

  async getManifest(release: string, namespace: string): Promise<string> {
    return (await this.run(['get', 'manifest', release, ...this.clusterFlags(namespace)])).stdout;
  }

  async rollback(release: string, namespace: string, revision: number, options: { timeout?: string } = {}): Promise<void> {
    await this.run(['rollback', release, String(revision), ...this.clusterFlags(namespace), '--wait', '--timeout', options.timeout ?? '5m']);
  }

  async template(argv: string[], options: HelmRunOptions = {}): Promise<string> {
    expectSubcommand(argv, 'template');
    return (await this.run(argv, options)).stdout;
  }

  async lint(chart: string, valuesFiles: string[] = []): Promise<HelmLintResult> {
    const argv = ['lint', chart, ...valuesFiles.flatMap((file) => ['--values', file])];
    try {
      const { stdout, stderr } = await this.run(argv);
      return { ok: true, output: joinOutput(stdout, stderr) };
    } catch (error) {
      // A chart that fails lint is an answer, not a failure of helm; a missing binary is.
      if (error instanceof HelmError && error.exitCode === 1) {
        const stdout = (error.cause as { stdout?: unknown } | undefined)?.stdout;
        return { ok: false, output: joinOutput(typeof stdout === 'string' ? stdout : '', error.stderr) };
      }
      throw error;
    }
  }

  // --namespace always, so a default namespace in the kubeconfig never picks the release.
  private clusterFlags(namespace: string): string[] {
    return ['--namespace', namespace, ...(this.kubeContext ? ['--kube-context', this.kubeContext] : [])];
  }

  private async run(argv: string[], options: HelmRunOptions = {}): Promise<HelmOutput> {
    try {
      const subprocess = execa(this.binary, argv, {
        cwd: options.cwd,
        env: { ...this.env, ...options.env },
        extendEnv: true,
        stdin: 'ignore',
        timeout: options.timeoutMs,
        cancelSignal: options.signal,
      });
      if (options.onOutput) {
        forwardLines(subprocess.stdout, 'stdout', options.onOutput);
        forwardLines(subprocess.stderr, 'stderr', options.onOutput);
      }
      const result = await subprocess;
      return { stdout: result.stdout, stderr: result.stderr };
    } catch (error) {
      throw toHelmError(this.binary, argv, error);
    }
  }
}

// Lines as they come, so a caller can show progress while `--wait` runs.
function forwardLines(stream: Readable | null, name: 'stdout' | 'stderr', onOutput: NonNullable<HelmRunOptions['onOutput']>): void {
  if (!stream) return;
  createInterface({ input: stream, crlfDelay: Infinity }).on('line', (line) => onOutput(line, name));
}

function toHelmError(binary: string, argv: string[], error: unknown): HelmError {
  if (error instanceof ExecaError) {
    return new HelmError({
      binary,
      command: argv,
      exitCode: error.exitCode,
      stderr: typeof error.stderr === 'string' ? error.stderr : '',
      timedOut: error.timedOut,
      spawnCode: error.exitCode === undefined ? error.code : undefined,
      cause: error,
    });
  }
  return new HelmError({ binary, command: argv, stderr: String(error), timedOut: false, cause: error });
}

function expectSubcommand(argv: string[], subcommand: string): void {
  // The argv comes from the engine; running anything else under this name would be a bug.
  if (argv[0] !== subcommand) throw new TypeError(`expected a helm ${subcommand} argv, got: ${argv.join(' ')}`);
}

// Helm's -o json is the contract; anything else means a helm that does not speak it.
function parseJson(binary: string, argv: string[], stdout: string): unknown {
  try {
    return JSON.parse(stdout);
  } catch (error) {
    throw new HelmError({ binary, command: argv, exitCode: 0, timedOut: false, stderr: `helm printed invalid JSON: ${stdout.slice(0, 200)}`, cause: error });
  }
}

function joinOutput(stdout: string, stderr: string): string {
  return [stdout, stderr].filter(Boolean).join('\n');
}
