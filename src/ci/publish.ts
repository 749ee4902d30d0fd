// publishOutputs: after a command, hand the rollout's position to the CI system running us —
// step outputs for later steps and jobs, and a summary for the people judging the stage.
import { appendFileSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ReleaseStatus } from '../rollout/status.js';
import { detectCi } from './detect.js';
import { azureSetOutput, azureUploadSummary } from './log-commands.js';
import { githubOutputLines, stepOutputs } from './step-outputs.js';
import { statusSummary } from './summary.js';

/** PublishTarget is where publishing writes; defaults are the process's own. */
export interface PublishTarget {
  env?: NodeJS.ProcessEnv;
  /** json: stdout carries --output json, so Azure log commands go to stderr instead. */
  json?: boolean;
  /** log receives Azure log commands; default stdout (stderr with json). */
  log?: (line: string) => void;
}

/** publishOutputs publishes `status` as step outputs and a job summary; does nothing outside CI. */
export function publishOutputs(status: ReleaseStatus, target: PublishTarget = {}): void {
  const env = target.env ?? process.env;
  const ci = detectCi(env);
  if (!ci) return;
  const outputs = stepOutputs(status);
  const summary = statusSummary(status);
  try {
    if (ci === 'github') {
      if (env.GITHUB_OUTPUT) appendFileSync(env.GITHUB_OUTPUT, githubOutputLines(outputs));
      if (env.GITHUB_STEP_SUMMARY) appendFileSync(env.GITHUB_STEP_SUMMARY, `${summary}\n`);
      return;
    }
    const stream = target.json ? process.stderr : process.stdout;
    const log = target.log ?? ((line: string) => stream.write(`${line}\n`));
    for (const [name, value] of Object.entries(outputs)) log(azureSetOutput(name, value));
    // The summary tab shows markdown files; the agent's temp dir is cleaned after the job.
    const dir = env.AGENT_TEMPDIRECTORY ? mkdtempSync(join(env.AGENT_TEMPDIRECTORY, 'helm-canary-')) : mkdtempSync(join(tmpdir(), 'helm-canary-'));
    const file = join(dir, `${status.release}-status.md`);
    writeFileSync(file, summary);
    log(azureUploadSummary(file));
  } catch (err) {
    // The rollout itself succeeded; a summary that cannot be written must not turn it into a failure.
    process.stderr.write(`warning: could not publish step outputs: ${(err as Error).message}\n`);
  }
}
