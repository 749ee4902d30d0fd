// Runs a composite action's steps the way a GitHub runner does, minus what only GitHub has: the
// `${{ inputs.* }}` expressions (with the inputs' defaults), `${{ github.action_path }}` and an
// `if: inputs.x != ''` are evaluated here; each `run:` step goes through its shell with the
// runner's files and variables (GITHUB_OUTPUT and GITHUB_STEP_SUMMARY fresh per step,
// GITHUB_ACTION_PATH, RUNNER_TEMP, GITHUB_ACTIONS); a failed step skips the rest; `uses:` steps
// are skipped (the test supplies what they set up) and reported for the test to check. The
// action's outputs are then read from the `steps.<id>.outputs.*` they name.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { parse } from 'yaml';

/** ActionStep is one step of a composite action, as action.yml states it. */
export interface ActionStep {
  id?: string;
  if?: string;
  uses?: string;
  with?: Record<string, string>;
  shell?: string;
  run?: string;
  env?: Record<string, string>;
}

/** ActionFile is the part of action.yml the runner reads. */
export interface ActionFile {
  inputs: Record<string, { default?: string; required?: boolean }>;
  outputs: Record<string, { value: string }>;
  runs: { using: string; steps: ActionStep[] };
}

/** StepRun is what one step did. */
export interface StepRun {
  step: ActionStep;
  result: 'success' | 'failure' | 'skipped';
  exitCode?: number;
  /** stdout and stderr interleaved, as the job log shows them. */
  log: string;
  outputs: Record<string, string>;
}

/** ActionRun is what the whole action did. */
export interface ActionRun {
  steps: StepRun[];
  result: 'success' | 'failure';
  /** The action's outputs, from the step outputs they name ('' when unset, as GitHub gives them). */
  outputs: Record<string, string>;
  /** Everything the steps appended to the job summary. */
  summary: string;
  /** What the `uses:` steps would have been asked to do. */
  used: { uses: string; with: Record<string, string> }[];
}

/** RunnerOptions bind the action to the test's machine. */
export interface RunnerOptions {
  actionPath: string;
  inputs: Record<string, string>;
  cwd: string;
  /** The job's environment (PATH, HOME, HELM_BIN...), on top of nothing else. */
  env: Record<string, string>;
  runnerTemp: string;
}

/** readAction parses the action.yml under `actionPath`. */
export function readAction(actionPath: string): ActionFile {
  return parse(readFileSync(join(actionPath, 'action.yml'), 'utf8')) as ActionFile;
}

// Replaces each ${{ ... }} the runner would evaluate; any other expression fails the test.
function expand(text: string, context: { inputs: Record<string, string>; actionPath: string; steps: Record<string, Record<string, string>> }): string {
  return text.replace(/\$\{\{\s*(.*?)\s*\}\}/g, (_, expr: string) => {
    let m = /^inputs\.([\w-]+)$/.exec(expr);
    if (m) return context.inputs[m[1]!] ?? '';
    if (expr === 'github.action_path') return context.actionPath;
    m = /^steps\.([\w-]+)\.outputs\.([\w-]+)$/.exec(expr);
    if (m) return context.steps[m[1]!]?.[m[2]!] ?? '';
    throw new Error(`expression not supported by the test runner: ${expr}`);
  });
}

// The step conditions this runner understands; others fail the test.
function condition(expr: string, inputs: Record<string, string>): boolean {
  const m = /^inputs\.([\w-]+) != ''$/.exec(expr.trim());
  if (!m) throw new Error(`if: not supported by the test runner: ${expr}`);
  return (inputs[m[1]!] ?? '') !== '';
}

/** readStepOutputs parses a GITHUB_OUTPUT file: `name=value` lines and `name<<DELIMITER` blocks. */
export function readStepOutputs(text: string): Record<string, string> {
  const outputs: Record<string, string> = {};
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    const heredoc = /^([^=]+)<<(.+)$/.exec(line);
    if (heredoc) {
      const end = lines.indexOf(heredoc[2]!, i + 1);
      if (end < 0) throw new Error(`GITHUB_OUTPUT: ${heredoc[1]} has no closing ${heredoc[2]}`);
      outputs[heredoc[1]!] = lines.slice(i + 1, end).join('\n');
      i = end;
      continue;
    }
    const eq = line.indexOf('=');
    if (eq > 0) outputs[line.slice(0, eq)] = line.slice(eq + 1);
    else if (line) throw new Error(`GITHUB_OUTPUT: a line that is neither name=value nor name<<DELIMITER: ${line}`);
  }
  return outputs;
}

// GitHub's own invocations of the shells a composite step may name.
const SHELLS: Record<string, (file: string) => [string, string[]]> = {
  bash: (file) => ['bash', ['--noprofile', '--norc', '-eo', 'pipefail', file]],
  sh: (file) => ['sh', ['-e', file]],
};

/** runAction runs the composite action at `options.actionPath` with `options.inputs`. */
export async function runAction(options: RunnerOptions): Promise<ActionRun> {
  const action = readAction(options.actionPath);
  if (action.runs.using !== 'composite') throw new Error(`not a composite action: ${action.runs.using}`);
  const inputs = Object.fromEntries(Object.entries(action.inputs).map(([name, input]) => [name, options.inputs[name] ?? input.default ?? '']));
  for (const name of Object.keys(options.inputs)) if (!(name in action.inputs)) throw new Error(`input ${name} is not declared`);
  const context = { inputs, actionPath: options.actionPath, steps: {} as Record<string, Record<string, string>> };
  const files = mkdtempSync(join(tmpdir(), 'hc-runner-'));
  const steps: StepRun[] = [];
  const used: ActionRun['used'] = [];
  let summary = '';
  let failed = false;
  try {
    for (const [index, step] of action.runs.steps.entries()) {
      if (failed || (step.if !== undefined && !condition(step.if, inputs))) {
        steps.push({ step, result: 'skipped', log: '', outputs: {} });
        continue;
      }
      if (step.uses) {
        used.push({ uses: step.uses, with: Object.fromEntries(Object.entries(step.with ?? {}).map(([k, v]) => [k, expand(String(v), context)])) });
        steps.push({ step, result: 'skipped', log: '', outputs: {} });
        continue;
      }
      const shell = SHELLS[step.shell ?? ''];
      if (!shell) throw new Error(`step ${step.id ?? index}: a composite run step needs a shell this runner knows (got ${step.shell})`);
      const script = join(files, `step-${index}.sh`);
      writeFileSync(script, expand(step.run!, context));
      const outputFile = join(files, `output-${index}`);
      const summaryFile = join(files, `summary-${index}`);
      writeFileSync(outputFile, '');
      writeFileSync(summaryFile, '');
      const env = {
        ...options.env,
        ...Object.fromEntries(Object.entries(step.env ?? {}).map(([k, v]) => [k, expand(String(v), context)])),
        CI: 'true',
        GITHUB_ACTIONS: 'true',
        GITHUB_ACTION_PATH: options.actionPath,
        GITHUB_OUTPUT: outputFile,
        GITHUB_STEP_SUMMARY: summaryFile,
        GITHUB_WORKSPACE: options.cwd,
        RUNNER_TEMP: options.runnerTemp,
      };
      const [command, args] = shell(script);
      const r = await execa(command, args, { cwd: options.cwd, env, extendEnv: false, reject: false, all: true, stdin: 'ignore' });
      const outputs = readStepOutputs(readFileSync(outputFile, 'utf8'));
      if (step.id) context.steps[step.id] = outputs;
      summary += readFileSync(summaryFile, 'utf8');
      failed = r.exitCode !== 0;
      steps.push({ step, result: failed ? 'failure' : 'success', exitCode: r.exitCode, log: String(r.all), outputs });
    }
  } finally {
    rmSync(files, { recursive: true, force: true });
  }
  const outputs = Object.fromEntries(Object.entries(action.outputs).map(([name, output]) => [name, expand(output.value, context)]));
  return { steps, result: failed ? 'failure' : 'success', outputs, summary, used };
}
