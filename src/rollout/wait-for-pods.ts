// Waiting on the cluster instead of helm: re-read the release until it runs what was asked, with
// ready pods on the Deployments in question, and say what is still missing while waiting.
import type { DeploymentRole, StageValues } from '../engine/index.js';
import type { RunnerContext, WaitPorts } from './context.js';
import { durationMs } from './duration.js';
import { verifyLive } from './verify.js';

/** PROGRESS_EVERY_MS is how often a wait on pods reports what it still waits for. */
const PROGRESS_EVERY_MS = 10_000;
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
export async function waitForState(ctx: WaitPorts, expected: StageValues, readiness: readonly DeploymentRole[], timeoutMs: number): Promise<string[]> {
  const objects = await ctx.objects();
  const started = ctx.clock.now().getTime();
  const deadline = started + timeoutMs;
  let lastReport = started;
  for (;;) {
    const problems = verifyLive(await ctx.reader.readLive(ctx.spec.namespace, objects), expected, objects, { readiness });
    const now = ctx.clock.now().getTime();
    if (problems.length === 0 || now >= deadline) return problems;
    // A long wait says what it waits for, so a CI log shows a stuck pod long before the timeout.
    if (now - lastReport >= PROGRESS_EVERY_MS) {
      ctx.reporter.info(`  waiting ${Math.round((now - started) / 1000)}s of ${Math.round(timeoutMs / 1000)}s: ${problems.join('; ')}`);
      lastReport = now;
    }
    await ctx.clock.sleep(POLL_MS);
  }
}
