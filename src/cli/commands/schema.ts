// `helm-canary schema`: prints the JSON Schema of canary.yaml, where the installed copy is, or the
// modeline line that points an editor at it. The work is imported when it runs.
import { Option, type Command } from 'commander';
import type { CliDeps } from '../cli-deps.js';
import { InputError } from '../errors.js';

/** SchemaFlags are `schema`'s options. */
export interface SchemaFlags {
  path?: boolean;
  /** true when --modeline is given bare (the installed file), else "file" or "url". */
  modeline?: boolean | string;
}

/** MODELINE_SOURCES are what --modeline can point at. */
export const MODELINE_SOURCES = ['file', 'url'] as const;

/** schemaAction prints the schema, its installed path, or a modeline. */
export async function schemaAction(opts: SchemaFlags, deps: CliDeps): Promise<void> {
  if (opts.path && opts.modeline !== undefined) throw new InputError('--path and --modeline cannot be used together');
  const { configJsonSchema, installedSchemaPath, schemaId } = await import('../../config/json-schema.js');
  if (opts.path) {
    deps.stdout.write(`${installedSchemaPath()}\n`);
    return;
  }
  if (opts.modeline !== undefined) {
    const source = opts.modeline === true ? 'file' : opts.modeline;
    // A file: URL rather than the bare path: no spaces to end the modeline early, and the same form on Windows.
    const target = source === 'url' ? schemaId() : (await import('node:url')).pathToFileURL(installedSchemaPath()).href;
    deps.stdout.write(`# yaml-language-server: $schema=${target}\n`);
    return;
  }
  deps.stdout.write(`${JSON.stringify(configJsonSchema(), null, 2)}\n`);
}

/** registerSchema adds `schema` to the program. */
export function registerSchema(program: Command, deps: CliDeps): void {
  program
    .command('schema')
    .description('print the JSON Schema of canary.yaml (for editor completion and checks)')
    .option('--path', 'print the absolute path of the schema file this installation ships')
    .addOption(
      new Option('--modeline [source]', 'print the line to put at the top of canary.yaml: "file" (default) names the installed schema file, "url" its published URL').choices(
        MODELINE_SOURCES,
      ),
    )
    .addHelpText(
      'after',
      '\nEditors that use the YAML language server (VS Code YAML, Neovim, Helix, ...) read the first line\n' +
        'of canary.yaml, for example:\n' +
        '  helm-canary schema --modeline      # the installed file: offline, the exact version you run\n' +
        '  helm-canary schema --modeline url  # the published URL of this major version: one line for a whole team\n',
    )
    .action((opts: SchemaFlags) => schemaAction(opts, deps));
}
