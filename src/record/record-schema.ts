// The stored form of the rollout record, checked on every read: a record edited by hand or cut
// short is refused with the paths that are wrong, never half-used. zod/mini keeps start-up cheap.
// `schemaVersion` says which form a record was written in: records from before it existed are
// version 1; a newer one was written by a newer helm-canary, whose fields this build cannot know.
import * as z from 'zod/mini';
import { formatIssues } from '../text/zod-issues.js';
import { ROLES, stageCount } from '../engine/index.js';
import { RECORD_SCHEMA_VERSION, type RolloutRecord } from './record.js';

const text = () => z.string('must be text').check(z.minLength(1, 'must not be empty'));
const whole = () => z.int('must be a whole number');
const stageNumber = () => whole().check(z.positive('must be a stage number (1 or more)'));
// An enum whose message lists what it may be.
const oneOf = <const T extends readonly [string, ...string[]]>(values: T) => z.enum(values, `must be one of ${values.join(', ')}`);
const role = z.string().check(z.refine((r) => (ROLES as readonly string[]).includes(r), `must be one of ${ROLES.join(', ')}`));

const historyEntry = z.looseObject({
  at: text(),
  by: z.string(),
  action: oneOf(['start', 'promote', 'rollback', 'fail', 'recover', 'force']),
  from: whole(),
  to: whole(),
  result: oneOf(['ok', 'failed']),
  message: z.optional(z.string()),
});

// Loose objects: a field this build does not know is kept as written, not dropped on the next write.
const storedRecord = z.looseObject({
  schemaVersion: z.optional(whole()),
  release: text(),
  namespace: text(),
  stableTag: text(),
  newTag: text(),
  repository: text(),
  replicas: whole().check(z.nonnegative('must be 0 or more')),
  plan: z.looseObject({
    name: z.string(),
    steps: z.array(z.looseObject({ weight: z.number(), canaryReplicas: z.optional(z.union([z.number(), z.string()])) })).check(z.minLength(1, 'must list at least one stage')),
    finalStepMustBe100: z.boolean(),
    drainSeconds: z.number(),
  }),
  stage: stageNumber(),
  phase: oneOf(['in-progress', 'promoting', 'rolling-back', 'failed', 'completed', 'rolled-back']),
  target: z.optional(stageNumber()),
  startedAt: text(),
  startedBy: z.string(),
  lastTransitionAt: text(),
  lastWeightChangeAt: z.optional(z.string()),
  recentlyRouted: z.optional(z.array(role)),
  lastError: z.optional(z.string()),
  objects: z.optional(
    z.looseObject({
      production: text(),
      canary: text(),
      virtualService: text(),
      destinationRule: z.optional(z.string()),
      autoscaled: z.optional(z.boolean()),
      subsets: z.looseObject({ production: text(), canary: text() }),
    }),
  ),
  history: z.array(historyEntry),
});

/** RecordRead is a record read back, or what is wrong with it (`newerVersion` when a newer build wrote it). */
export type RecordRead = { ok: true; record: RolloutRecord } | { ok: false; problems: string[]; newerVersion?: number };

// Rules across fields: the stages named must be stages of the record's own plan.
function stageProblems(record: RolloutRecord): string[] {
  const total = stageCount({ steps: record.plan.steps.map((s) => ({ weight: s.weight })) });
  const outside = (field: string, n: number | undefined) => (n !== undefined && n > total ? [`${field}: stage ${n} is outside the plan's stages 1..${total}`] : []);
  return [...outside('stage', record.stage), ...outside('target', record.target)];
}

/** readStoredRecord checks a decoded record document (JSON.parse of what was stored). */
export function readStoredRecord(value: unknown): RecordRead {
  const version = (value as { schemaVersion?: unknown } | null)?.schemaVersion;
  if (typeof version === 'number' && version > RECORD_SCHEMA_VERSION) return { ok: false, problems: [], newerVersion: version };
  const parsed = z.safeParse(storedRecord, value);
  if (!parsed.success) return { ok: false, problems: formatIssues(parsed.error.issues, '', value) };
  const { schemaVersion: _, ...record } = parsed.data;
  const problems = stageProblems(record as RolloutRecord);
  return problems.length ? { ok: false, problems } : { ok: true, record: record as RolloutRecord };
}

/** storedRecordDocument is what a store writes: the record and the schema version it is in. */
export function storedRecordDocument(record: RolloutRecord): RolloutRecord & { schemaVersion: number } {
  const { schemaVersion: _, ...rest } = record as RolloutRecord & { schemaVersion?: unknown };
  return { schemaVersion: RECORD_SCHEMA_VERSION, ...rest };
}
