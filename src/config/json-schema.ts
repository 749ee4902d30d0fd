// The JSON Schema of canary.yaml, generated from the zod schema so the two never disagree.
import { toJSONSchema } from 'zod/mini';
import { configFile } from './schema.js';

/** configJsonSchema returns the JSON Schema of canary.yaml (input form: what a person writes). */
export function configJsonSchema(): Record<string, unknown> {
  return {
    ...toJSONSchema(configFile, { io: 'input', unrepresentable: 'any' }),
    title: 'helm-canary configuration (canary.yaml)',
  };
}
