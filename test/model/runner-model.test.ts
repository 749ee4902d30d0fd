// A fast model of the runner's decisions (issue 9, "How it is proven"): random sequences of
// commands and faults run through the real runner commands over in-memory fakes of every port
// (test/model/fakes/), with every invariant of issue 9 checked after every helm apply and after
// every command (test/model/invariants.ts).
//
// Environment:
//   HELM_CANARY_MODEL_RUNS=5000   more sequences (default 200, a few seconds)
//   HELM_CANARY_MODEL_SEED=1234   another seed (default fixed, so every run of npm test is the same)
//   HELM_CANARY_MODEL_IGNORE=a,b  skip invariants by name (invariants.ts, INVARIANTS), to hunt one
//                                 failure class while another is being fixed
// A failure prints the shrunk sequence (setup and steps as JSON) and its trace; keep it as a
// named row in regressions.test.ts.
import { test } from 'node:test';
import fc from 'fast-check';
import { setupArb, stepsArb } from './arbitraries.js';
import { formatFailure, runModel } from './run-model.js';

const DEFAULT_SEED = 90_210;
const numRuns = Number(process.env.HELM_CANARY_MODEL_RUNS ?? 200);
const seed = Number(process.env.HELM_CANARY_MODEL_SEED ?? DEFAULT_SEED);

test(`runner model: ${numRuns} random command and fault sequences keep every invariant (seed ${seed})`, async () => {
  await fc.assert(
    fc.asyncProperty(setupArb, stepsArb, async (setup, steps) => {
      const result = await runModel(setup, steps);
      if (result.violations.length) throw new Error(formatFailure(result));
    }),
    { numRuns, seed, includeErrorInReport: true },
  );
});
