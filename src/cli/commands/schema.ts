// `helm-canary schema`: prints the JSON Schema of canary.yaml, imported when it runs.
import type { Command } from 'commander';
import type { CliDeps } from '../cli-deps.js';

/** schemaAction prints the schema. */
export async function schemaAction(deps: CliDeps): Promise<void> {
  const { configJsonSchema } = await import('../../config/json-schema.js');
  deps.stdout.write(`${JSON.stringify(configJsonSchema(), null, 2)}\n`);
}

/** registerSchema adds `schema` to the program. */
export function registerSchema(program: Command, deps: CliDeps): void {
  program.command('schema').description('print the JSON Schema of canary.yaml (for editor completion)').action(() => schemaAction(deps));
}
