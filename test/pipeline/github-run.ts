// Runs a generated GitHub workflow the way the runner would, minus what only GitHub has: jobs in
// `needs` order (approvals taken as given), each job's helm-canary steps through bash with the
// step's env, `failure()` steps after a failed step, and the rollback job's `if` evaluated as
// "some needed job failed or was cancelled". Setup steps (checkout, node, helm, install, kube
// access) are skipped: the test supplies the built CLI, a helm binary and a KUBECONFIG.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { execa } from 'execa';
import { parse } from 'yaml';
import { cliPath } from '../helpers/run-cli.js';

/** JobRun is what one job did. */
export interface JobRun {
  id: string;
  result: 'success' | 'failure' | 'skipped';
  /** Each step that ran: its command and exit code, with output for failure messages. */
  steps: { run: string; exitCode: number; output: string }[];
  /** The step outputs the job's steps wrote to $GITHUB_OUTPUT. */
  outputs: Record<string, string>;
  summary: string;
}

/** RunOptions bind the workflow to the test's world. */
export interface RunOptions {
  cwd: string;
  env: Record<string, string>;
  inputs: Record<string, string>;
  /** Called before a job starts, e.g. to inject a fault. */
  beforeJob?: (id: string) => void;
  /** The helm-canary entry point the steps run with node (default: this checkout's bundle), e.g. an npm-installed package's bin. */
  cliPath?: string;
}

// Replaces `${{ inputs.x }}` with the dispatch inputs; any other expression is a test failure.
function expand(text: string, inputs: Record<string, string>): string {
  return text.replace(/\$\{\{\s*([^}]*?)\s*\}\}/g, (_, expr: string) => {
    const input = /^inputs\.([\w-]+)$/.exec(expr);
    if (!input || inputs[input[1]!] === undefined) throw new Error(`workflow expression not supported by the test runner: ${expr}`);
    return inputs[input[1]!]!;
  });
}

function readOutputs(file: string): Record<string, string> {
  const outputs: Record<string, string> = {};
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    const eq = line.indexOf('=');
    if (eq > 0) outputs[line.slice(0, eq)] = line.slice(eq + 1);
  }
  return outputs;
}

/** runWorkflow runs every job of `workflowYaml` in order and returns what each did. */
export async function runWorkflow(workflowYaml: string, options: RunOptions): Promise<JobRun[]> {
  const workflow = parse(workflowYaml) as { jobs: Record<string, { needs?: string | string[]; if?: string; steps: { run?: string; env?: Record<string, string>; if?: string }[] }> };
  const results = new Map<string, JobRun>();
  // Jobs are listed in dependency order by the generator; check it rather than sort.
  for (const [id, job] of Object.entries(workflow.jobs)) {
    const needs = job.needs === undefined ? [] : Array.isArray(job.needs) ? job.needs : [job.needs];
    const needed = needs.map((n) => {
      const r = results.get(n);
      if (!r) throw new Error(`job ${id} needs ${n}, which comes later`);
      return r.result;
    });
    let runs: boolean;
    if (job.if === undefined) runs = needed.every((r) => r === 'success');
    else if (/always\(\) && \(contains\(needs\.\*\.result, 'failure'\) \|\| contains\(needs\.\*\.result, 'cancelled'\)\)/.test(job.if)) runs = needed.includes('failure');
    else throw new Error(`job condition not supported by the test runner: ${job.if}`);
    const run: JobRun = { id, result: 'skipped', steps: [], outputs: {}, summary: '' };
    results.set(id, run);
    if (!runs) continue;
    options.beforeJob?.(id);
    const files = mkdtempSync(join(options.cwd, `.job-${id}-`));
    const env = { ...options.env, GITHUB_ACTIONS: 'true', GITHUB_OUTPUT: join(files, 'output'), GITHUB_STEP_SUMMARY: join(files, 'summary') };
    writeFileSync(env.GITHUB_OUTPUT, '');
    writeFileSync(env.GITHUB_STEP_SUMMARY, '');
    let failed = false;
    for (const step of job.steps) {
      if (!step.run?.startsWith('helm-canary ')) continue;
      if (step.if === 'failure()' ? !failed : step.if !== undefined || failed) continue;
      const script = `helm-canary() { node ${JSON.stringify(options.cliPath ?? cliPath)} "$@"; }\n${step.run}`;
      const stepEnv = Object.fromEntries(Object.entries(step.env ?? {}).map(([k, v]) => [k, expand(String(v), options.inputs)]));
      const result = await execa('bash', ['-euo', 'pipefail', '-c', script], { cwd: options.cwd, env: { ...env, ...stepEnv }, extendEnv: true, reject: false, all: true, stdin: 'ignore' });
      run.steps.push({ run: step.run, exitCode: result.exitCode ?? -1, output: String(result.all) });
      if (result.exitCode !== 0) failed = true;
    }
    run.result = failed ? 'failure' : 'success';
    run.outputs = readOutputs(env.GITHUB_OUTPUT);
    run.summary = readFileSync(env.GITHUB_STEP_SUMMARY, 'utf8');
  }
  return [...results.values()];
}
