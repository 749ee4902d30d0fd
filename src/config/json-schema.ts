// The JSON Schema of canary.yaml (schema/canary.schema.json), generated from the zod schema so
// the two never disagree: descriptions, defaults and bounds are written beside the zod checks in
// schema.ts. This file adds what zod cannot know: the schema's identity, and the names of the
// built-in plans, read from stages/ so that a new plan file is offered by editors too.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { toJSONSchema } from 'zod/mini';
import { builtinPlans } from './load-plan.js';
import { packageRoot, packageVersion } from './package-root.js';
import { configFile, planName, PLAN_PATH } from './schema.js';

/** SCHEMA_FILE is the schema's place in the package, relative to its root. */
export const SCHEMA_FILE = 'schema/canary.schema.json';

/** installedSchemaPath is the absolute path of the schema file shipped with this installation. */
export function installedSchemaPath(): string {
  return join(packageRoot, SCHEMA_FILE);
}

/**
 * schemaId is the schema's `$id`: the file as committed at the moving tag of this major version
 * (v0, v1, ...), the same kind of ref as `uses: helm-canary/helm-canary@v1`. An editor can fetch
 * it, it changes only compatibly within a major version, and a config written for one major keeps
 * validating against that major's schema when the next one is released.
 */
export function schemaId(version = packageVersion()): string {
  const major = version.split('.')[0];
  return `https://raw.githubusercontent.com/helm-canary/helm-canary/v${major}/${SCHEMA_FILE}`;
}

// The built-in plans as completions, each with its own description from its file.
function builtinPlanChoices(): Record<string, unknown>[] {
  return builtinPlans().map((name) => {
    const file = parse(readFileSync(join(packageRoot, 'stages', `${name}.yaml`), 'utf8')) as { description?: unknown };
    const description = typeof file.description === 'string' ? `Built-in plan: ${file.description}` : 'Built-in plan.';
    return { const: name, description };
  });
}

/** configJsonSchema returns the JSON Schema of canary.yaml (input form: what a person writes). */
export function configJsonSchema(): Record<string, unknown> {
  const generated = toJSONSchema(configFile, {
    // draft-07: the draft the YAML language server (VS Code, Neovim, Helix, ...) validates with;
    // every keyword used here means the same in 2020-12.
    target: 'draft-07',
    io: 'input',
    unrepresentable: 'any',
    override: ({ zodSchema, jsonSchema }) => {
      if (zodSchema !== planName) return;
      const { description } = jsonSchema;
      for (const key of Object.keys(jsonSchema)) delete (jsonSchema as Record<string, unknown>)[key];
      Object.assign(jsonSchema, {
        description,
        anyOf: [...builtinPlanChoices(), { type: 'string', pattern: PLAN_PATH, description: 'A plan file: a path with a "/" or ending in .yaml or .yml, relative to this file.' }],
      });
    },
  });
  const { $schema, ...rest } = generated;
  // JSON.stringify drops the keys that schema.ts set to undefined on purpose (namespace's default).
  return JSON.parse(
    JSON.stringify({
      $schema,
      $id: schemaId(),
      title: 'helm-canary configuration (canary.yaml)',
      description: 'Settings of helm-canary, a CLI for Istio canary releases of Helm charts. Every field can also be given as a flag; flags win. Print this schema with `helm-canary schema`, its path with `helm-canary schema --path`.',
      ...rest,
    }),
  ) as Record<string, unknown>;
}
