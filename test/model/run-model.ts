// Runs one sequence of steps against a fresh fake world through the real runner commands, and
// collects every invariant violation with a readable trace of what happened. Used by the property
// (runner-model.test.ts) and by the named regression rows (regressions.test.ts).
import type { Plan } from '../../src/engine/index.js';
import { deploy } from '../../src/rollout/deploy.js';
import { promote } from '../../src/rollout/promote.js';
import { rollback } from '../../src/rollout/rollback.js';
import { start } from '../../src/rollout/start.js';
import { readStatus, type ReleaseStatus } from '../../src/rollout/status.js';
import type { RunnerContext } from '../../src/rollout/context.js';
import { CliError } from '../../src/cli/errors.js';
import { toCliError } from '../../src/cli/to-cli-error.js';
import { CollectingReporter } from './fakes/collecting-reporter.js';
import { createWorld, runnerContext, RUNNER_TIMINGS, type Violation, type World } from './fakes/index.js';
import { checkAfterCommand, checkStatus, installHooks, snapshot, type Outcome } from './invariants.js';
import { formatValues } from './expected-stages.js';
import { describeStep, isCommand, PLAN_STEPS, type CommandStep, type ModelSetup, type Step } from './model-steps.js';

/** MODEL_RELEASE is the release every run rolls out. */
export const MODEL_RELEASE = { release: 'web', namespace: 'shop', repository: 'registry.example/web', helmTimeoutMs: 5 * 60_000 };

/** ModelResult is what a run found: violations (empty when every invariant held) and its trace. */
export interface ModelResult {
  violations: Violation[];
  trace: string[];
}

/** ignoredInvariants reads HELM_CANARY_MODEL_IGNORE (comma-separated names), to hunt one failure class at a time. */
export function ignoredInvariants(): Set<string> {
  return new Set((process.env.HELM_CANARY_MODEL_IGNORE ?? '').split(',').map((s) => s.trim()).filter(Boolean));
}

function planOf(setup: ModelSetup): Plan {
  return { name: setup.plan, steps: PLAN_STEPS[setup.plan].map((s) => ({ ...s })), finalStepMustBe100: true, drainSeconds: setup.drainSeconds };
}

function invoke(ctx: RunnerContext, step: CommandStep): Promise<unknown> {
  // async: start throws on a bad --to before returning its promise; treat that as the command failing.
  return (async () => {
    switch (step.do) {
      case 'deploy':
        return deploy(ctx, { tag: step.tag, recover: step.recover });
      case 'start':
        return start(ctx, { newTag: step.newTag, to: step.to, force: step.force, recover: step.recover, rollbackOnFailure: step.rollbackOnFailure });
      case 'promote':
        return promote(ctx, { to: step.to, force: step.force, recover: step.recover, rollbackOnFailure: step.rollbackOnFailure });
      case 'rollback':
        return rollback(ctx, { recover: step.recover });
      case 'status':
        return readStatus(ctx);
    }
  })();
}

function describeOutcome(outcome: Outcome): string {
  if (outcome.ok) return 'ok';
  const err = outcome.error as Error;
  const first = String(err?.message ?? err).split('\n')[0];
  // The exit code is the one the CLI would end with for this error.
  const mapped = toCliError(err);
  return `${err?.name ?? 'Error'}${mapped instanceof CliError ? ` (exit ${mapped.exitCode})` : ''}: ${first}`;
}

// describeWorld is one line of where things stand, for the trace.
function describeWorld(world: World): string {
  const c = world.cluster;
  const ready = `${c.readyCurrent('production')}/${c.deployments.production?.replicas ?? 0}, ${c.readyCurrent('canary')}/${c.deployments.canary?.replicas ?? 0} ready`;
  const r = world.records.current();
  const record = r ? `${r.phase} at ${r.stage}${r.target ? `->${r.target}` : ''} (${r.stableTag}->${r.newTag})` : 'none';
  const rev = world.helm.latest();
  const lease = world.lock.liveHolder();
  return `${world.clockText()} | ${formatValues(c.values())} (${ready}) | record ${record} | helm ${rev ? `r${rev.revision} ${rev.status}` : 'none'}${lease ? ` | lease ${lease.holder}` : ''}`;
}

// probeStatus reads status as a separate, fault-free process and checks what it claims.
async function probeStatus(world: World, plan: Plan): Promise<void> {
  if (!world.helm.latest() && !world.records.current()) return;
  const holder = 'model@probe';
  world.beginCommand({ name: 'status (probe)', holder, dryRun: false, readOnly: true });
  try {
    const status = (await readStatus(runnerContext(world, { plan, holder, dryRun: false, reporter: new CollectingReporter() }))) as ReleaseStatus;
    checkStatus(world, status);
  } catch (err) {
    // A status that cannot be read claims nothing, but it must fail as the CLI's errors do.
    if (!(toCliError(err) instanceof CliError)) world.violate('status-crashed', `status threw ${(err as Error)?.stack ?? String(err)}`);
  } finally {
    world.endCommand();
  }
}

async function runCommand(world: World, plan: Plan, step: CommandStep, index: number, trace: string[]): Promise<void> {
  const options = { drainSeconds: plan.drainSeconds };
  const holder = `model@ci/${index}`;
  const dryRun = 'dryRun' in step && step.dryRun === true;
  const pre = snapshot(world, holder);
  const reporter = new CollectingReporter();
  const run = world.beginCommand({ name: step.do, holder, dryRun, readOnly: step.do === 'status', fault: step.fault });
  const ctx = runnerContext(world, { plan, holder, dryRun, reporter });
  let outcome: Outcome;
  try {
    outcome = { ok: true, value: await invoke(ctx, step) };
  } catch (error) {
    outcome = { ok: false, error };
  }
  world.endCommand();
  const struck = run.faultStruck ? ` {${run.faultStruck}}` : step.fault ? ' {fault never came}' : '';
  trace.push(`#${index} ${describeStep(step)} -> ${run.dead ? 'KILLED' : describeOutcome(outcome)}${struck}`);
  trace.push(...reporter.lines.map((l) => `     ${l.split('\n')[0]}`));
  trace.push(`     = ${describeWorld(world)}`);
  checkAfterCommand(world, options, step, run, pre, outcome);
  // What the CLI cannot map to an exit code reaches the user as "this is a bug" and a stack trace.
  if (!outcome.ok && !run.dead && !(toCliError(outcome.error) instanceof CliError)) {
    world.violate('command-crashed', `${describeStep(step)} threw ${(outcome.error as Error)?.stack ?? String(outcome.error)}`);
  }
  // Commands run one at a time here: a record conflict nobody else caused is the runner writing
  // over a version it had already replaced, and the user sees "another run changed the record".
  const othersWrote = run.faultStruck !== undefined && ['record-api', 'record-deleted', 'lease-lost'].includes(step.fault?.kind ?? '');
  if (!outcome.ok && !run.dead && !othersWrote && (outcome.error as Error)?.name === 'ConflictError') {
    world.violate('self-conflict', `${describeStep(step)} failed on a record conflict no other writer caused: ${(outcome.error as Error).message}`);
  }
  // A fault during status (the record deleted between its reads) makes it describe a world that
  // no longer is; the probe after this step checks a fault-free status.
  if (step.do === 'status' && outcome.ok && run.faultStruck === undefined) checkStatus(world, outcome.value as ReleaseStatus);
}

/** runModel plays `steps` after a fault-free `deploy --tag setup.firstTag` and reports violations. */
export async function runModel(setup: ModelSetup, steps: Step[], options: { ignore?: Set<string> } = {}): Promise<ModelResult> {
  const world = createWorld({ ...MODEL_RELEASE, replicas: setup.replicas, lockTtlSeconds: RUNNER_TIMINGS.lockTtlSeconds });
  const plan = planOf(setup);
  installHooks(world, { drainSeconds: setup.drainSeconds });
  const trace = [`setup: plan ${setup.plan}, ${setup.replicas} replicas, drain ${setup.drainSeconds}s`];
  const ignored = options.ignore ?? ignoredInvariants();
  const all: Step[] = [{ do: 'deploy', tag: setup.firstTag }, ...steps];
  for (const [index, step] of all.entries()) {
    world.step = index;
    if (isCommand(step)) await runCommand(world, plan, step, index, trace);
    else {
      if (step.do === 'wait') world.advance(step.seconds * 1000);
      if (step.do === 'delete-record') world.records.deleteRecord();
      if (step.do === 'lose-lease') world.lock.lose(step.how);
      trace.push(`#${index} ${describeStep(step)}`, `     = ${describeWorld(world)}`);
    }
    await probeStatus(world, plan);
    const found = world.violations.filter((v) => !ignored.has(v.invariant));
    // Stop at the first step that broke something: later steps would only repeat it.
    if (found.length) return { violations: found, trace };
  }
  return { violations: [], trace };
}

/** formatFailure is the message a failing run throws: violations first, then the trace. */
export function formatFailure(result: ModelResult): string {
  return [
    'invariants broken:',
    ...result.violations.map((v) => `  [${v.invariant}] step #${v.step} at ${v.at}: ${v.message}`),
    'trace:',
    ...result.trace.map((l) => `  ${l}`),
  ].join('\n');
}
