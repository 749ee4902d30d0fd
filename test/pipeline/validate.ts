// Validators of generated pipelines: GitHub's own workflow parser for workflows, and the
// project's strict schema (schema/azure-pipeline.schema.json) for Azure pipelines.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { z } from 'zod';
import { convertWorkflowTemplate, NoOperationTraceWriter, parseWorkflow, type WorkflowTemplate } from '@actions/workflow-parser';
import { repoRoot } from '../helpers/run-cli.js';

/** parseGithubWorkflow runs GitHub's parser; returns its errors and the converted template. */
export async function parseGithubWorkflow(name: string, content: string): Promise<{ errors: string[]; template?: WorkflowTemplate }> {
  const result = parseWorkflow({ name, content }, new NoOperationTraceWriter());
  const errors = result.context.errors.getErrors().map((e) => e.message);
  if (errors.length || !result.value) return { errors };
  const template = await convertWorkflowTemplate(result.context, result.value);
  return { errors: (template.errors ?? []).map((e) => e.Message), template };
}

let azureSchema: z.ZodType | undefined;

/** azureProblems checks a pipeline against the project's schema; [] when it conforms. */
export function azureProblems(content: string): string[] {
  azureSchema ??= z.fromJSONSchema(JSON.parse(readFileSync(join(repoRoot, 'schema', 'azure-pipeline.schema.json'), 'utf8')));
  const checked = azureSchema.safeParse(parse(content));
  return checked.success ? [] : checked.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
}
