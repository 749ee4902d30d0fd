// Waiting on the cluster instead of helm: re-read the release until it runs what was asked, with
// ready pods on the Deployments in question, and say what is still missing while waiting.
import type { DeploymentRole, StageValues } from '../engine/index.js';
import type { RunnerContext, WaitPorts } from './context.js';
import type { LiveState, ReleaseObjects, WaitProgress } from './ports.js';
import { durationMs } from './duration.js';
import { verifyLive, type VerifyOptions } from './verify.js';

/** PROGRESS_EVERY_MS is how often a wait on pods reports its ready counts and what it still waits for. */
export const PROGRESS_EVERY_MS = 5_000;
/** POLL_MS is how often a wait re-reads the cluster. */
const POLL_MS = 250;

/** readinessTimeoutMs is how long a wait on pods may take: helm's --timeout of the release. */
export function readinessTimeoutMs(ctx: Pick<RunnerContext, 'spec'>): number {
  return durationMs(ctx.spec.helm.timeout);
}

/**
 * waitForState re-reads the cluster until it matches `expected` (pods ready on the `readiness`
 * Deployments only) or `timeoutMs` passes; returns what still differs, empty when it matches.
 */
export async function waitForState(ctx: WaitPorts, expected: StageValues, readiness: readonly DeploymentRole[], timeoutMs: number, options: Pick<VerifyOptions, 'traffic'> = {}): Promise<string[]> {
  const objects = await ctx.objects();
  const started = ctx.clock.now().getTime();
  const deadline = started + timeoutMs;
  let lastReport = started;
  for (;;) {
    const live = await ctx.reader.readLive(ctx.spec.namespace, objects);
    const problems = verifyLive(live, expected, objects, { readiness, ...options });
    const now = ctx.clock.now().getTime();
    if (problems.length === 0 || now >= deadline) return problems;
    // A long wait says how far it got and what it waits for, so a CI log shows a stuck pod long
    // before the timeout, and a log without a terminal is never silent for minutes.
    if (now - lastReport >= PROGRESS_EVERY_MS) {
      const progress: WaitProgress = { elapsedMs: now - started, timeoutMs, deployments: readyCounts(live, expected, objects, readiness), missing: problems };
      if (ctx.reporter.waiting) ctx.reporter.waiting(progress);
      else ctx.reporter.info(describeWait(progress));
      lastReport = now;
    }
    await ctx.clock.sleep(POLL_MS);
  }
}

// The ready counts of the Deployments a wait is for, against the replicas the stage asks.
function readyCounts(live: LiveState, expected: StageValues, objects: ReleaseObjects, readiness: readonly DeploymentRole[]): WaitProgress['deployments'] {
  return readiness.map((role) => ({ role, name: objects[role], ready: live[role]?.ready ?? 0, updated: live[role]?.updated ?? 0, desired: expected[role].replicas }));
}

/** readyText is a wait's ready counts in a few words: "canary 1/2 ready (2 updated)". */
export function readyText(progress: WaitProgress): string {
  return progress.deployments.map((d) => `${d.role} ${d.ready}/${d.desired} ready${d.updated !== d.desired ? ` (${d.updated} updated)` : ''}`).join(', ');
}

/** describeWait is a wait's progress as one log line: the time, the ready counts and what is missing. */
export function describeWait(progress: WaitProgress): string {
  const counts = readyText(progress);
  return `  waiting ${Math.round(progress.elapsedMs / 1000)}s of ${Math.round(progress.timeoutMs / 1000)}s: ${counts ? `${counts}; ` : ''}${progress.missing.join('; ')}`;
}
