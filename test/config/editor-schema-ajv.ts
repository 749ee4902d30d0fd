// The editor schema as a strict validator sees it: ajv in strict mode (unknown keywords, formats,
// union types or ignored keywords are errors, not warnings) with ajv-formats, for the draft the
// schema declares. Shared by the editor-schema tests.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createRequire } from 'node:module';
import type { ValidateFunction } from 'ajv';
import { repoRoot } from '../helpers/run-cli.js';

const require = createRequire(import.meta.url);

/** JsonSchema is a schema read from JSON. */
export type JsonSchema = Record<string, unknown>;

/** committedSchema is schema/canary.schema.json as committed. */
export function committedSchema(): JsonSchema {
  return JSON.parse(readFileSync(join(repoRoot, 'schema', 'canary.schema.json'), 'utf8')) as JsonSchema;
}

// ajv's entry point for a draft: its default class is draft-07, 2019 and 2020 have their own.
const AJV_BY_DRAFT: Record<string, string> = {
  'http://json-schema.org/draft-07/schema#': 'ajv',
  'https://json-schema.org/draft/2019-09/schema': 'ajv/dist/2019',
  'https://json-schema.org/draft/2020-12/schema': 'ajv/dist/2020',
};

/** strictValidator compiles `schema` as a strict validator would; throws on anything strict mode refuses. */
export function strictValidator(schema: JsonSchema): ValidateFunction {
  const entry = AJV_BY_DRAFT[String(schema.$schema)];
  if (!entry) throw new Error(`no ajv for $schema ${String(schema.$schema)}`);
  const AjvClass = (require(entry) as { default: new (options: object) => import('ajv').default }).default;
  const addFormats = (require('ajv-formats') as { default: (ajv: import('ajv').default) => unknown }).default;
  const ajv = new AjvClass({ strict: true, allErrors: true });
  addFormats(ajv);
  return ajv.compile(schema);
}

/** errorsOf is a validator's last errors as `path: message` lines. */
export function errorsOf(validate: ValidateFunction): string[] {
  return (validate.errors ?? []).map((e) => `${e.instancePath || '/'}: ${e.message ?? e.keyword}`);
}
