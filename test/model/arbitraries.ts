// fast-check generators of model runs: a setup and a sequence of steps, weighted towards the
// moves that matter (promote, rollback, start) and towards faults that strike early in a
// command, where most of its port calls are. Shrinking removes steps, flags and faults, so a
// counterexample ends up as the few moves that break an invariant.
import fc from 'fast-check';
import type { CommandFault } from './fakes/index.js';
import { HEALTHY_TAGS, TAGS, type Tag } from './fakes/images.js';
import { PLAN_STEPS, type ModelSetup, type PlanName, type Step } from './model-steps.js';

// rarely: true about one time in `n`.
const rarely = (n: number) => fc.oneof({ arbitrary: fc.constant(false), weight: n - 1 }, { arbitrary: fc.constant(true), weight: 1 });
// maybe: the value or nothing (dropped when shrinking).
const maybe = <T>(arb: fc.Arbitrary<T>, weightOfNothing = 2) => fc.oneof({ arbitrary: fc.constant(undefined), weight: weightOfNothing }, { arbitrary: arb, weight: 1 });

/** setupArb: a plan, replicas 1..4, a drain, and a healthy first tag. */
export const setupArb: fc.Arbitrary<ModelSetup> = fc.record({
  plan: fc.constantFrom(...(Object.keys(PLAN_STEPS) as PlanName[])),
  replicas: fc.integer({ min: 1, max: 4 }),
  drainSeconds: fc.constantFrom(5, 10, 30),
  firstTag: fc.constantFrom(...HEALTHY_TAGS),
});

/** faultArb: one fault of any kind, at an early counted call. */
export const faultArb: fc.Arbitrary<CommandFault> = fc.oneof(
  { arbitrary: fc.record({ kind: fc.constant('kill' as const), atCall: fc.integer({ min: 1, max: 60 }), landed: fc.boolean(), signal: rarely(2) }, { requiredKeys: ['kind', 'atCall', 'landed'] }), weight: 3 },
  // Kills at the mutating calls, where an interruption leaves the most behind.
  {
    arbitrary: fc.record(
      { kind: fc.constant('kill' as const), port: fc.constantFrom('helm.upgrade', 'records.write', 'helm.rollback'), atCall: fc.integer({ min: 1, max: 5 }), landed: fc.boolean(), signal: rarely(2) },
      { requiredKeys: ['kind', 'port', 'atCall', 'landed'] },
    ),
    weight: 2,
  },
  { arbitrary: fc.record({ kind: fc.constant('helm-error' as const), atUpgrade: fc.integer({ min: 1, max: 4 }), when: fc.constantFrom('before-apply' as const, 'after-apply' as const, 'wait-timeout' as const) }), weight: 3 },
  { arbitrary: fc.record({ kind: fc.constant('record-api' as const), atCall: fc.integer({ min: 1, max: 6 }), code: fc.constantFrom(409 as const, 500 as const) }), weight: 1 },
  { arbitrary: fc.record({ kind: fc.constant('record-deleted' as const), atCall: fc.integer({ min: 1, max: 40 }) }), weight: 1 },
  { arbitrary: fc.record({ kind: fc.constant('lease-lost' as const), atCall: fc.integer({ min: 1, max: 40 }), how: fc.constantFrom('deleted' as const, 'taken' as const) }), weight: 1 },
);

const tagArb: fc.Arbitrary<Tag> = fc.constantFrom(...TAGS);
const stageArb = fc.integer({ min: 1, max: 8 });
const fault = maybe(faultArb, 3);
const dryRun = rarely(8);

/** stepArb: one step, commands weighted by how much they move the release. */
export const stepArb: fc.Arbitrary<Step> = fc.oneof(
  { arbitrary: fc.record({ do: fc.constant('promote' as const), to: maybe(stageArb), force: rarely(6), recover: rarely(4), rollbackOnFailure: rarely(5), dryRun, fault }, { requiredKeys: ['do'] }), weight: 8 },
  { arbitrary: fc.record({ do: fc.constant('start' as const), newTag: tagArb, to: maybe(stageArb, 4), force: rarely(6), recover: rarely(4), rollbackOnFailure: rarely(5), dryRun, fault }, { requiredKeys: ['do', 'newTag'] }), weight: 4 },
  { arbitrary: fc.record({ do: fc.constant('rollback' as const), recover: rarely(3), dryRun, fault }, { requiredKeys: ['do'] }), weight: 4 },
  { arbitrary: fc.record({ do: fc.constant('deploy' as const), tag: tagArb, recover: rarely(4), dryRun, fault }, { requiredKeys: ['do', 'tag'] }), weight: 1 },
  { arbitrary: fc.record({ do: fc.constant('status' as const), fault }, { requiredKeys: ['do'] }), weight: 1 },
  { arbitrary: fc.record({ do: fc.constant('wait' as const), seconds: fc.constantFrom(1, 10, 30, 70, 600) }), weight: 3 },
  { arbitrary: fc.constant({ do: 'delete-record' as const }), weight: 1 },
  { arbitrary: fc.record({ do: fc.constant('lose-lease' as const), how: fc.constantFrom('deleted' as const, 'taken' as const) }), weight: 1 },
);

/** stepsArb: up to 14 steps after the setup's deploy. */
export const stepsArb: fc.Arbitrary<Step[]> = fc.array(stepArb, { minLength: 1, maxLength: 14 });
