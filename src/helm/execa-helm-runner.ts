// The real HelmRunner: runs the helm binary with execa, always with an argv array (never a
// shell), and turns every failure into a HelmError.
import { createInterface } from 'node:readline';
import type { Readable } from 'node:stream';
import { execa, ExecaError, type Options } from 'execa';
import { HelmError } from './helm-error.js';
import type {
  GetValuesOptions,
  HelmEnv,
  HelmHistoryEntry,
  HelmLintResult,
  HelmObserver,
  HelmOutput,
  HelmReleaseMetadata,
  HelmReleaseStatus,
  HelmRunner,
  HelmRunOptions,
} from './helm-runner.js';
import { parseHelmVersion, type HelmVersion } from './helm-version.js';
import { OutputFiles } from './output-files.js';
import { parentDeathWrapper, SETPRIV_ARGS, setprivExecFailure } from './parent-death.js';

/** ExecaHelmRunnerOptions configure the real runner; the caller decides binary and environment. */
export interface ExecaHelmRunnerOptions {
  /** binary is the helm to run: from --helm, HELM_BIN, or plain "helm" (found on PATH). */
  binary?: string;
  /** env is added to the process environment for every call (KUBECONFIG, HELM_* ...). */
  env?: HelmEnv;
  /** kubeContext is passed as --kube-context to the commands that read the cluster. */
  kubeContext?: string;
  /**
   * killWithParent runs helm under `setpriv --pdeathsig TERM` where that exists (Linux), so helm
   * gets SIGTERM when this process dies, even by SIGKILL (see parent-death.ts). Default true.
   */
  killWithParent?: boolean;
  /** observer sees each call's command and output as it runs (--debug, CI log groups). */
  observer?: HelmObserver;
}

// Versions by binary, shared by all runners: the version of a binary cannot change while we
// run, and asking costs a process start. Only successes are kept, so a fixed PATH is noticed.
const versions = new Map<string, Promise<HelmVersion>>();

// The commands that change the cluster and, on SIGTERM, cancel and record the revision as failed.
const CHANGES_CLUSTER = new Set(['upgrade', 'rollback']);

// execa's types name only descriptors 1 to 9, but it hands any descriptor number to
// child_process.spawn unchanged (as it does 1 to 9).
function descriptor(fd: number): 3 {
  return fd as 3;
}

function openOutputFiles(): OutputFiles | undefined {
  try {
    return OutputFiles.open();
  } catch {
    return undefined; // no writable temp dir: pipes, as everywhere else
  }
}

/** ExecaHelmRunner runs helm through execa. */
export class ExecaHelmRunner implements HelmRunner {
  readonly binary: string;
  private readonly env: HelmEnv;
  private readonly kubeContext: string | undefined;
  private readonly killWithParent: boolean;
  private readonly observer: HelmObserver | undefined;

  constructor(options: ExecaHelmRunnerOptions = {}) {
    this.binary = options.binary ?? 'helm';
    this.env = options.env ?? {};
    this.kubeContext = options.kubeContext;
    this.killWithParent = options.killWithParent ?? true;
    this.observer = options.observer;
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

  async getMetadata(release: string, namespace: string): Promise<HelmReleaseMetadata> {
    const argv = ['get', 'metadata', release, ...this.clusterFlags(namespace), '--output', 'json'];
    const doc = (parseJson(this.binary, argv, (await this.run(argv)).stdout) ?? {}) as Record<string, unknown>;
    return {
      revision: Number(doc.revision ?? 0),
      status: String(doc.status ?? 'unknown'),
      applyMethod: String(doc.applyMethod ?? ''),
    };
  }

  async getManifest(release: string, namespace: string): Promise<string> {
    return (await this.run(['get', 'manifest', release, ...this.clusterFlags(namespace)])).stdout;
  }

  async rollback(release: string, namespace: string, revision: number, options: { timeout?: string } = {}): Promise<void> {
    // No --wait: helm's waits cover every workload of the release, a crash-looping one included;
    // the runner waits for what it changes next, and never moves traffic to pods not ready.
    await this.run(['rollback', release, String(revision), ...this.clusterFlags(namespace), '--timeout', options.timeout ?? '5m']);
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
    const setpriv = this.killWithParent ? await parentDeathWrapper() : undefined;
    // A helm that outlives us must be able to finish its cancel: see output-files.ts.
    const files = setpriv && CHANGES_CLUSTER.has(argv[0]!) ? openOutputFiles() : undefined;
    try {
      // setpriv execs helm: same pid, same exit code and output, so kills and timeouts reach helm.
      // execa's cleanup stays on for the exits it covers (normal exit, SIGINT, SIGTERM).
      const [file, args] = setpriv ? [setpriv, [...SETPRIV_ARGS, this.binary, ...argv]] : [this.binary, argv];
      const execaOptions: Options = {
        cwd: options.cwd,
        env: { ...this.env, ...options.env },
        extendEnv: true,
        stdin: 'ignore',
        stdout: files ? descriptor(files.fds.stdout) : 'pipe',
        stderr: files ? descriptor(files.fds.stderr) : 'pipe',
        timeout: options.timeoutMs,
        cancelSignal: options.signal,
      };
      this.observer?.command(this.binary, argv);
      const subprocess = execa(file, args, execaOptions);
      const onOutput = bothListeners(options.onOutput, this.observer);
      if (onOutput) {
        if (files) {
          files.follow(onOutput);
        } else {
          forwardLines(subprocess.stdout, 'stdout', onOutput);
          forwardLines(subprocess.stderr, 'stderr', onOutput);
        }
      }
      const result = await subprocess;
      return files ? files.finish() : { stdout: String(result.stdout ?? ''), stderr: String(result.stderr ?? '') };
    } catch (error) {
      throw toHelmError(this.binary, argv, error, setpriv !== undefined, files?.finish());
    } finally {
      files?.close();
    }
  }
}

// The call's own listener and the runner's observer, either, both or none.
function bothListeners(onOutput: HelmRunOptions['onOutput'], observer: HelmObserver | undefined): HelmRunOptions['onOutput'] {
  if (!observer) return onOutput;
  return (line, stream) => {
    onOutput?.(line, stream);
    observer.output(line, stream);
  };
}

// Lines as they come, so a caller can show progress while `--wait` runs.
function forwardLines(stream: Readable | null, name: 'stdout' | 'stderr', onOutput: NonNullable<HelmRunOptions['onOutput']>): void {
  if (!stream) return;
  createInterface({ input: stream, crlfDelay: Infinity }).on('line', (line) => onOutput(line, name));
}

function toHelmError(binary: string, argv: string[], error: unknown, wrapped: boolean, files?: HelmOutput): HelmError {
  if (error instanceof ExecaError) {
    // Output that went to files is not on execa's error.
    const stderr = files ? files.stderr : typeof error.stderr === 'string' ? error.stderr : '';
    // setpriv could not exec helm: report it as a direct spawn would (helm not found), not as
    // setpriv's own failure.
    const execFailure = wrapped ? setprivExecFailure(error.exitCode, stderr) : undefined;
    if (execFailure) {
      return new HelmError({ binary, command: argv, exitCode: undefined, stderr: '', timedOut: false, spawnCode: execFailure, cause: error });
    }
    return new HelmError({
      binary,
      command: argv,
      exitCode: error.exitCode,
      stderr,
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
