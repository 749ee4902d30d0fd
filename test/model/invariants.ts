// The invariants of issue 9 ("What must hold"), judged against the fake world. Some are judged at
// the moment they can break (an apply about to shift traffic, a pod about to terminate, a record
// just written: installHooks); the rest after each command (checkAfterCommand) and on every
// status the runner builds (checkStatus). Each violation names its invariant so a failure says
// which promise broke.
import { ROLES, type StageValues } from '../../src/engine/index.js';
import type { ReleaseStatus } from '../../src/rollout/status.js';
import type { RolloutRecord } from '../../src/rollout/ports.js';
import { behaviourOf } from './fakes/images.js';
import type { CommandRun, World } from './fakes/world.js';
import { expectedStages, formatValues, sameStageValues, showsRollout, stableStage } from './expected-stages.js';
import type { CommandStep } from './model-steps.js';

/** INVARIANTS names every check, for HELM_CANARY_MODEL_IGNORE and for reading failures. */
export const INVARIANTS = {
  'weight-to-unready': 'a weight is raised (or a routed Deployment re-templated) while that subset\'s current-ReplicaSet pods at the stage\'s image are not all ready',
  'removed-under-traffic': 'a pod that carried traffic is removed before its weight reached 0 and drainSeconds passed',
  'record-claims-position': 'a record at in-progress/completed/rolled-back names a stage the cluster is not at with ready pods',
  'recover-restarts-pods': 'clearing a pending release rolled back pods that already ran the pending revision\'s spec, ready',
  'moved-without-lease': 'a command applied a change after its lease was lost (another run may be moving the release)',
  'dry-run-changed': 'a dry run upgraded, rolled back, wrote the record or took the lease',
  'read-only-changed': 'status changed something',
  'rollback-not-one-run': 'a fault-free rollback did not end at the stable values with production ready (stable image healthy)',
  'rollback-silent-failure': 'a rollback whose stable image cannot become ready did not fail, or failed without naming the stable tag',
  'rollback-too-slow': 'a fault-free rollback took longer than its drains and the stable pods\' start-up need: it waited on something it did not change',
  'deploy-during-rollout': 'deploy succeeded while the cluster showed a rollout in progress',
  'status-readiness': 'status reported more ready pods than the current ReplicaSet has',
  'status-stale-phase': 'status presented promoting/rolling-back as live with no lease held',
  'status-hides-rollout': 'status did not say a rollout is in progress while the cluster shows one and no active record does',
  'status-claims-stage': 'status said "at stage N" while pods of that stage never became ready',
  'self-conflict': 'a command failed on a record conflict that no other writer caused (it wrote over a stale version of its own record)',
  'command-crashed': 'a command failed with an error the CLI cannot map to an exit code (a bug a user would see as a stack trace)',
  'status-crashed': 'status failed with an error that is not one of the CLI\'s (a bug a user would see as a stack trace)',
  runaway: 'a command looped without end on fake time',
} as const;

/** ModelOptions are the run's fixed facts the checks need. */
export interface ModelOptions {
  drainSeconds: number;
}

// podsProblem says how the cluster's pods fall short of `values` (all desired pods of the current
// ReplicaSet ready), or undefined when they do not. With `brokenIsFine`, pods that became ready and
// crashed since count as ready: a fault broke them after the stage was reached.
function podsProblem(world: World, values: StageValues, brokenIsFine = false): string | undefined {
  const c = world.cluster;
  const problems: string[] = [];
  for (const role of ROLES) {
    const want = values[role].replicas;
    const current = c.currentPods(role);
    const ok = brokenIsFine ? current.filter((p) => p.readyAt <= world.time).length : c.readyCurrent(role);
    if (ok < want) problems.push(`${role} ${c.readyCurrent(role)}/${want} ready at ${values[role].tag}`);
  }
  return problems.length ? problems.join(', ') : undefined;
}

// claimedStage is the stage a record says the cluster is at with ready pods, if its phase says so.
function claimedStage(record: RolloutRecord): number | undefined {
  if (record.phase === 'in-progress') return record.stage;
  if (record.phase === 'rolled-back') return 1;
  if (record.phase === 'completed') return expectedStages(record).length;
  return undefined;
}

/** installHooks judges the invariants that break at a moment: an apply, a pod removal, a record write. */
export function installHooks(world: World, options: ModelOptions): void {
  world.hooks = {
    beforeApply(values, how) {
      const c = world.cluster;
      const run = world.command;
      // A lease lost during the helm call itself is a race no client can close; one lost before it must stop the command.
      if (run && run.leaseLostAtCall !== undefined && run.leaseLostAtCall < run.calls && !world.lock.heldBy(run.holder)) {
        world.violate('moved-without-lease', `${run.name}: helm ${how} after the lease was lost (at call ${run.leaseLostAtCall})`);
      }
      // The first install routes to pods that do not exist yet: no request has been served before it.
      if (!c.virtualService) return;
      const pending = world.helm.latest();
      if (how === 'rollback' && pending?.status.startsWith('pending-') && sameStageValues(c.values(), pending.values)) {
        // The killed helm had applied everything: the cluster already runs the pending revision.
        for (const role of ROLES) {
          const d = c.deployments[role]!;
          const restarts = d.replicas > 0 && c.settled(role) && (d.repository !== values[role].repository || d.tag !== values[role].tag || values[role].replicas < d.replicas);
          if (restarts) world.violate('recover-restarts-pods', `${world.command?.name ?? '?'}: helm rollback of pending revision ${pending.revision} replaces ${role}'s ${d.replicas} ready ${d.tag} pods (the spec the pending revision asked for) with ${values[role].tag}×${values[role].replicas}`);
        }
      }
      for (const role of ROLES) {
        const want = values[role];
        const before = c.weight(role);
        const d = c.deployments[role];
        const retemplated = d !== undefined && (d.repository !== want.repository || d.tag !== want.tag);
        if (want.weight === 0 || (want.weight <= before && !retemplated)) continue;
        // deploy's plain update of production at 100 % is a rolling update by design.
        if (world.command?.name === 'deploy' && role === 'production' && before === 100 && want.weight === 100) continue;
        const ready = retemplated ? 0 : c.readyCurrent(role);
        if (ready < want.replicas) {
          const what = retemplated ? `re-templates ${role} to ${want.tag} while it keeps ${want.weight} %` : `shifts ${role} ${before} % -> ${want.weight} %`;
          world.violate('weight-to-unready', `${world.command?.name ?? '?'}: helm ${how} ${what}, but ${role}'s current ReplicaSet at ${want.tag} has ${ready}/${want.replicas} ready pods`);
        }
      }
    },
    beforePodRemoved(pod, reason) {
      if (pod.plainUpdate) return;
      const last = world.cluster.lastTrafficAt(pod);
      if (last === undefined) return;
      const gapMs = world.time - last;
      if (gapMs >= options.drainSeconds * 1000) return;
      const weight = world.cluster.weight(pod.role);
      const when = weight > 0 && gapMs === 0 ? `while it carries ${weight} % of traffic` : `${gapMs / 1000}s after it last carried traffic`;
      world.violate('removed-under-traffic', `${world.command?.name ?? 'between commands'}: ${reason} removes ${pod.role} pod #${pod.id} (${pod.tag}) ${when}; the drain is ${options.drainSeconds}s`);
    },
    recordWritten(record, previous) {
      world.lastRecordedStable = record.stableTag;
      const stage = claimedStage(record);
      if (stage === undefined) return;
      const expected = expectedStages(record)[stage - 1];
      const live = world.cluster.values();
      // A new claim needs its pods ready now; re-saving an old claim (other fields changed) only
      // needs pods that were ready once: a crash since is the image's fault, not the record's.
      const renewed = previous !== undefined && previous.phase === record.phase && claimedStage(previous) === stage && previous.stableTag === record.stableTag && previous.newTag === record.newTag;
      const why = !sameStageValues(live, expected) ? `the cluster runs ${formatValues(live)}, stage ${stage} is ${formatValues(expected)}` : podsProblem(world, expected!, renewed);
      if (why) world.violate('record-claims-position', `${world.command?.name ?? '?'} wrote the record as ${record.phase} at stage ${stage}, but ${why}`);
    },
  };
}

/** PreState is what the world looked like when a command began. */
export interface PreState {
  time: number;
  record: RolloutRecord | undefined;
  values: StageValues | undefined;
  /** A live lease held by someone other than this command. */
  foreignLease: boolean;
  /** The stable tag of the last recorded rollout, before the command could record another. */
  lastRecordedStable: string | undefined;
  /** helm's status of the latest revision. */
  helmStatus: string | undefined;
}

/** snapshot reads the world without port calls, before a command runs. */
export function snapshot(world: World, holder: string): PreState {
  const lease = world.lock.liveHolder();
  return {
    time: world.time,
    record: world.records.current(),
    values: world.cluster.values(),
    foreignLease: lease !== undefined && lease.holder !== holder,
    lastRecordedStable: world.lastRecordedStable,
    helmStatus: world.helm.latest()?.status,
  };
}

/** Outcome is how a command ended. */
export type Outcome = { ok: true; value: unknown } | { ok: false; error: unknown };

function errorText(err: unknown): string {
  if (!(err instanceof Error)) return String(err);
  const details = (err as { details?: unknown }).details;
  return [err.message, ...(Array.isArray(details) ? details.map(String) : [])].join('\n');
}

// rollbackTarget is the stable tag a rollback must restore, or undefined when there is nothing
// the model can hold it to (no rollout, or a completed one: what rollback means then is a choice).
function rollbackTarget(pre: PreState): string | undefined {
  const r = pre.record;
  const inProgress = showsRollout(pre.values);
  if (r && r.phase !== 'completed' && r.phase !== 'rolled-back') return r.stableTag;
  if (r) return r.phase === 'rolled-back' && inProgress ? r.stableTag : undefined;
  return inProgress ? pre.lastRecordedStable : undefined;
}

/** checkAfterCommand judges what a command left behind against what it started from. */
export function checkAfterCommand(world: World, options: ModelOptions, step: CommandStep, run: CommandRun, pre: PreState, outcome: Outcome): void {
  checkRecordClaim(world, step);
  const dryRun = 'dryRun' in step && step.dryRun === true;
  if (step.do === 'deploy' && !dryRun && outcome.ok && showsRollout(pre.values)) {
    world.violate('deploy-during-rollout', `deploy --tag ${step.tag} succeeded while the cluster ran ${formatValues(pre.values)} (record: ${describeRecord(pre.record)})`);
  }
  // A promote that ended well leaves no reached stage unrecorded: a record still saying promoting
  // (or failed) towards a stage the cluster runs with ready pods is one the promote could have
  // written. (A promote with nothing to do, `--to` the stage the release is at, may leave an earlier
  // run's record as it was while the cluster is not at that run's target.)
  const after = world.records.current();
  if ((step.do === 'promote' || step.do === 'start') && !dryRun && outcome.ok && run.faultStruck === undefined && after && (after.phase === 'promoting' || after.phase === 'failed') && after.target !== undefined) {
    const target = expectedStages(after)[after.target - 1]!;
    if (sameStageValues(world.cluster.values(), target) && !podsProblem(world, target, true)) {
      world.violate('record-left-moving', `${step.do} exited 0 but left the record ${describeRecord(after)} while the cluster runs stage ${after.target} with ready pods`);
    }
  }
  // Only a rollback nothing interfered with is held to "one run": no fault, no other holder's lease.
  if (step.do === 'rollback' && !dryRun && run.faultStruck === undefined && !pre.foreignLease) checkRollback(world, options, pre, outcome);
}

const describeRecord = (r: RolloutRecord | undefined) => (r ? `${r.phase} at stage ${r.stage}` : 'none');

// checkRecordClaim: whatever a command did, a rollout record at in-progress must name the stage the
// cluster is at, with pods that became ready (a crash since is the image's, not the record's).
// A finished record (rolled-back, completed) is history once a later deploy moves on; its claim
// was judged when it was written.
function checkRecordClaim(world: World, step: CommandStep): void {
  const record = world.records.current();
  if (record?.phase !== 'in-progress') return;
  const stage = record.stage;
  const expected = expectedStages(record)[stage - 1]!;
  const live = world.cluster.values();
  const why = !sameStageValues(live, expected) ? `the cluster runs ${formatValues(live)}, stage ${stage} is ${formatValues(expected)}` : podsProblem(world, expected, true);
  if (why) world.violate('record-claims-position', `after ${step.do}: the record says ${record.phase} at stage ${stage}, but ${why}`);
}

// checkRollback: from any state, one run ends at the stable values with production ready and
// quickly, unless the stable image cannot become ready: then it fails and names it.
function checkRollback(world: World, options: ModelOptions, pre: PreState, outcome: Outcome): void {
  const stable = rollbackTarget(pre);
  if (stable === undefined) return;
  const from = `from ${formatValues(pre.values)} (record: ${describeRecord(pre.record)}, helm: ${pre.helmStatus ?? 'none'})`;
  const behaviour = behaviourOf(stable);
  if (behaviour.readyAfterMs === null) {
    if (outcome.ok) world.violate('rollback-silent-failure', `rollback ${from} exited 0 although the stable image ${stable} never becomes ready`);
    else if (!errorText(outcome.error).includes(stable)) world.violate('rollback-silent-failure', `rollback ${from} failed without naming the stable tag ${stable}: ${errorText(outcome.error)}`);
    return;
  }
  // A stable image that crash-loops may fail its rollback or pass it before the crash: both are honest.
  const crashes = behaviour.crashAfterReadyMs !== undefined;
  if (!outcome.ok) {
    if (!crashes) world.violate('rollback-not-one-run', `rollback ${from} failed: ${errorText(outcome.error).split('\n').slice(0, 3).join(' | ')}`);
    return;
  }
  const target = stableStage(world.config.repository, stable, world.config.replicas);
  const live = world.cluster.values();
  const why = !sameStageValues(live, target) ? `the cluster runs ${formatValues(live)}` : crashes ? undefined : podsProblem(world, target);
  if (why) world.violate('rollback-not-one-run', `rollback ${from} exited 0, but ${why}; stable is ${formatValues(target)}`);
  // Enough for three drains and three rolling updates of every pod, one at a time, to the stable
  // image (a detour re-templates the canary, then production, then scales the canary down), plus
  // a minute: far less than helm's timeout, which a wait on an untouched, broken Deployment costs.
  const budgetMs = 3 * options.drainSeconds * 1000 + 3 * world.config.replicas * behaviour.readyAfterMs + 60_000;
  const tookMs = world.time - pre.time;
  if (tookMs > budgetMs) world.violate('rollback-too-slow', `rollback ${from} took ${tookMs / 1000}s, its drains and pod start-ups need at most ${budgetMs / 1000}s`);
}

/** checkStatus judges one status the runner built against the world at the same instant. */
export function checkStatus(world: World, status: ReleaseStatus): void {
  const c = world.cluster;
  for (const role of ROLES) {
    const shown = status[role]?.ready;
    if (shown !== undefined && shown > c.readyCurrent(role)) {
      world.violate('status-readiness', `status shows ${role} ${shown} ready, its current ReplicaSet has ${c.readyCurrent(role)} ready`);
    }
  }
  const text = JSON.stringify(status);
  if ((status.phase === 'promoting' || status.phase === 'rolling-back') && !status.lock && !/interrupted/i.test(text)) {
    world.violate('status-stale-phase', `status shows phase ${status.phase} with no lease held and does not say it was interrupted`);
  }
  const record = world.records.current();
  const active = record !== undefined && record.phase !== 'completed' && record.phase !== 'rolled-back';
  if (!active && showsRollout(c.values()) && !/in progress/i.test(text)) {
    world.violate('status-hides-rollout', `the cluster runs ${formatValues(c.values())} (record: ${record ? record.phase : 'none'}) but status says "${status.position}"`);
  }
  const claim = /^at stage (\d+)$/.exec(status.position);
  const live = c.values();
  if (claim && live) {
    const pending = ROLES.filter((r) => c.currentPods(r).filter((p) => p.readyAt <= world.time).length < live[r].replicas);
    if (pending.length) {
      world.violate('status-claims-stage', `status says "${status.position}" while ${pending.map((r) => `${r} has ${c.readyCurrent(r)}/${live[r].replicas} ready at ${live[r].tag}`).join(', ')}`);
    }
  }
}
