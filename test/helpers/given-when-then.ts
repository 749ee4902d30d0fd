// Given/When/Then for the e2e tier, on top of e2e.ts's simulated cluster and real helm:
//
//   const s = await scenario(helm);
//   await s.given.deployed('1.0');
//   await s.given.imageBehaves('bad', 'never-ready');
//   const run = await s.when('start --new-tag bad');
//   await s.thenExpect(run, { exit: 1, stderr: [/pods not ready/], cluster: 'P 1.0/2/100 C 1.0/0/0', record: { phase: 'failed' } });
//
// No object here has a method named `then`: `await` would take it for a promise.
import assert from 'node:assert/strict';
import type { PodBehaviour } from '../../sim/faults.js';
import type { CliResult } from './run-cli.js';
import { givenCluster, REPOSITORY, stageShape, type Env, type HelmMajor, type Observed } from './e2e.js';

/** Run is one `helm-canary` run: its arguments and what it printed and exited with. */
export interface Run extends CliResult {
  args: string[];
}

/** Expected is what a run must have done; every field is optional and only those given are checked. */
export interface Expected {
  exit?: number;
  /** Each pattern must match stderr: a RegExp anywhere, a string as one whole line. */
  stderr?: (string | RegExp)[];
  /** Patterns stderr must not match. */
  notStderr?: RegExp[];
  stdout?: (string | RegExp)[];
  /** Fields of stdout read as JSON, by dotted path (`stage.number`); a RegExp matches the field as text. */
  json?: Record<string, unknown>;
  /** The cluster as stageShape draws it: "P prodTag/replicas/weight C canaryTag/replicas/weight". */
  cluster?: string;
  weights?: Observed['weights'];
  /** Every pod of both Deployments is ready. */
  allReady?: boolean;
  /** Fields of the rollout record (stage, phase, stableTag, newTag). */
  record?: Partial<NonNullable<Observed['record']>>;
}

/** Scenario is one e2e world with the three steps. */
export interface Scenario {
  env: Env;
  given: Given;
  /** when runs `helm-canary` with `args` (a string is split on spaces); it never throws on a non-zero exit. */
  when(args: string | string[], extraEnv?: Record<string, string>): Promise<Run>;
  /** thenExpect checks a run against `expected` (and what the cluster then runs); `label` names the step in failure messages. */
  thenExpect(run: Run, expected: Expected, label?: string): Promise<void>;
  stop(): Promise<void>;
}

/** Given sets up the world before the run under test; each step fails the test if it fails. */
export interface Given {
  /** deployed: the release runs `tag` at the stable stage (deploy --tag). */
  deployed(tag: string): Promise<void>;
  /** rolloutAt: a rollout to `newTag` is at `stage` (start, then promote --to). */
  rolloutAt(stage: number, newTag: string): Promise<void>;
  /** imageBehaves: pods of the e2e repository at `tag` behave so (a fault). */
  imageBehaves(tag: string, behaviour: PodBehaviour): Promise<void>;
  /** weightsEditedByHand: someone set the VirtualService's weights outside the tool. */
  weightsEditedByHand(weights: Observed['weights']): Promise<void>;
}

/** scenario starts a world for helm `helm` (see givenCluster for the options). */
export async function scenario(helm: HelmMajor, options: Parameters<typeof givenCluster>[1] = {}): Promise<Scenario> {
  const env = await givenCluster(helm, options);
  const when = async (args: string | string[], extraEnv?: Record<string, string>): Promise<Run> => {
    const argv = typeof args === 'string' ? args.split(' ').filter(Boolean) : args;
    return { args: argv, ...(await env.cli(argv, extraEnv)) };
  };
  const must = async (args: string) => expectRun(env, await when(args), { exit: 0 }, 'given');
  return {
    env,
    when,
    thenExpect: (run, expected, label) => expectRun(env, run, expected, label),
    stop: () => env.stop(),
    given: {
      deployed: (tag) => must(`deploy --tag ${tag}`),
      async rolloutAt(stage, newTag) {
        await must(`start --new-tag ${newTag}`);
        if (stage > 2) await must(`promote --to ${stage}`);
        assert.deepEqual(pick((await env.observe()).record, ['stage', 'newTag']), { stage, newTag }, `given a rollout to ${newTag} at stage ${stage}`);
      },
      imageBehaves: (tag, behaviour) => env.world.setImageBehaviour(`${REPOSITORY}:${tag}`, behaviour),
      async weightsEditedByHand(weights) {
        const vs = await env.get('virtualService', env.release);
        for (const route of vs.spec.http[0].route) route.weight = weights[route.destination.subset as keyof typeof weights];
        await env.put('virtualService', vs);
      },
    },
  };
}

async function expectRun(env: Env, run: Run, expected: Expected, label?: string): Promise<void> {
  const step = `${label ? `${label}: ` : ''}helm-canary ${run.args.join(' ')}`;
  const printed = `\n--- stdout\n${run.stdout}\n--- stderr\n${run.stderr}`;
  if (expected.exit !== undefined) assert.equal(run.exitCode, expected.exit, `${step}: exit code${printed}`);
  for (const [name, text] of [['stdout', run.stdout], ['stderr', run.stderr]] as const) {
    for (const pattern of expected[name] ?? []) {
      if (pattern instanceof RegExp) assert.match(text, pattern, `${step}: ${name}`);
      else assert.ok(text.split('\n').some((line) => line.trimEnd() === pattern), `${step}: no ${name} line ${JSON.stringify(pattern)}${printed}`);
    }
  }
  for (const pattern of expected.notStderr ?? []) assert.doesNotMatch(run.stderr, pattern, `${step}: stderr`);
  if (expected.json) {
    const data = JSON.parse(run.stdout);
    const at = (path: string) => path.split('.').reduce<any>((node, key) => node?.[key], data);
    for (const [path, want] of Object.entries(expected.json)) {
      if (want instanceof RegExp) assert.match(String(at(path)), want, `${step}: stdout JSON ${path}`);
      else assert.deepEqual(at(path), want, `${step}: stdout JSON ${path}`);
    }
  }
  const observed = await env.observe();
  if (expected.cluster !== undefined) assert.equal(stageShape(observed), expected.cluster, `${step}: cluster`);
  if (expected.weights) assert.deepEqual(observed.weights, expected.weights, `${step}: weights`);
  if (expected.allReady) {
    assert.equal(observed.production.ready, observed.production.replicas, `${step}: production pods ready`);
    assert.equal(observed.canary.ready, observed.canary.replicas, `${step}: canary pods ready`);
  }
  if (expected.record) assert.deepEqual(pick(observed.record, Object.keys(expected.record)), expected.record, `${step}: record`);
}

// The fields `keys` of `record` (undefined where it has none), to compare with a partial expectation.
function pick(record: object | undefined, keys: string[]): Record<string, unknown> {
  return Object.fromEntries(keys.map((key) => [key, (record as Record<string, unknown> | undefined)?.[key]]));
}
