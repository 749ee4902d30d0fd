// Runs the whole CLI in-process (runCli) over the in-memory fakes, so a command test reads as
// "given this cluster, these arguments print exactly this and exit so". The fake `connect` stands
// in for the cluster wiring: the same runner, reporter, dry-run adapters and error mapping as the
// real CLI, over the fake helm, cluster, record store and lease of one release (web in shop).
// Progress lines are the plain (non-terminal, non-CI) form, timed on the world's fake clock, so
// their elapsed times are the same on every run.
import { runCli } from '../../../src/cli/run-cli.js';
import type { CliDeps, Connected, Writer } from '../../../src/cli/cli-deps.js';
import type { Approver } from '../../../src/cli/commands/gate/approver.js';
import { readPlanSource, toPlan } from '../../../src/config/load-plan.js';
import { DEFAULT_VALUE_PATHS, type Plan } from '../../../src/engine/index.js';
import { dryRunAdapters } from '../../../src/dry-run/dry-run-adapters.js';
import { CollectingReporter } from '../../model/fakes/collecting-reporter.js';
import { FakeClusterReader } from '../../model/fakes/fake-cluster-reader.js';
import { FakeReleaseActivity } from '../fakes/fake-release-activity.js';
import { createWorld, runnerContext, RUNNER_TIMINGS, type CommandFault, type World } from '../../model/fakes/index.js';
import { repoRoot } from '../../helpers/run-cli.js';

/** RELEASE is the release every command test acts on; helm's --timeout of 30 s keeps a wait for pods that never get ready to a few lines. */
export const RELEASE = { release: 'web', namespace: 'shop', repository: 'registry.example/web', replicas: 2, helmTimeoutMs: 30_000 };

// The plan a user gets without naming one: the built-in seven-stage plan, read as the CLI reads it.
function builtinPlan(): Plan {
  const source = readPlanSource('seven-stage', repoRoot);
  if ('problems' in source) throw new Error(source.problems.join('\n'));
  return toPlan(source.plan, 'seven-stage');
}

/** Ran is how one command line ended: its exit code and everything it printed. */
export interface Ran {
  exitCode: number;
  stdout: string;
  stderr: string;
}

/** RunOptions: a fault the fakes inject into this command, and who answers `run`'s gate. */
export interface RunOptions {
  fault?: CommandFault;
  approver?: Approver;
}

function collector(): Writer & { text: string } {
  return {
    text: '',
    isTTY: false,
    write(chunk: string) {
      this.text += chunk;
      return true;
    },
  };
}

/** CliHarness is one fake cluster, and a way to run helm-canary against it. */
export class CliHarness {
  readonly world: World = createWorld({ ...RELEASE, lockTtlSeconds: RUNNER_TIMINGS.lockTtlSeconds });
  readonly plan = builtinPlan();

  /** run runs `helm-canary ...args` as one process against the world. */
  async run(args: string[], options: RunOptions = {}): Promise<Ran> {
    const stdout = collector();
    const stderr = collector();
    const verb = args[0] ?? '';
    const holder = `test/${verb}`;
    const deps: CliDeps = {
      stdout,
      stderr,
      env: {},
      now: () => this.world.time,
      connect: async (flags, use, reporter): Promise<Connected> => {
        this.world.beginCommand({ name: verb, holder, dryRun: flags.dryRun ?? false, readOnly: use === 'status', fault: options.fault });
        const real = runnerContext(this.world, { plan: this.plan, holder, dryRun: false, reporter: new CollectingReporter() });
        // A dry run gets the adapters the real wiring picks, over the fakes, reporting as it does.
        const dryRun = flags.dryRun ? dryRunAdapters(real, DEFAULT_VALUE_PATHS, reporter) : undefined;
        return { ctx: { ...real, ...dryRun?.ports, reporter }, dryRun, activity: new FakeReleaseActivity(this.world) };
      },
      connectNamespace: async () => {
        this.world.beginCommand({ name: verb, holder, dryRun: false, readOnly: true });
        return {
          namespace: RELEASE.namespace,
          records: this.world.records,
          reader: new FakeClusterReader(this.world),
          lock: this.world.lock,
          // -A: the release's namespace and one without records.
          allNamespaces: async () => ({ namespaces: ['empty', RELEASE.namespace], exact: false }),
        };
      },
      askPerson: options.approver ? async () => options.approver! : undefined,
    };
    try {
      const exitCode = await runCli(['node', 'helm-canary', ...args], deps);
      return { exitCode, stdout: stdout.text, stderr: stderr.text };
    } finally {
      this.world.endCommand();
    }
  }

  /** given runs commands that set the scene, failing the test if one does not exit 0. */
  async given(...commandLines: string[][]): Promise<this> {
    for (const args of commandLines) {
      const r = await this.run(args);
      if (r.exitCode !== 0) throw new Error(`given ${args.join(' ')}: exit ${r.exitCode}\n${r.stderr}`);
    }
    return this;
  }
}

/** lines joins expected output lines, each ending with a newline, as a command prints them. */
export function lines(...text: string[]): string {
  return text.map((l) => `${l}\n`).join('');
}
