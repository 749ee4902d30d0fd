// The machine forms of a command's result: `--output json` and `--output yaml` print the same
// document, one through JSON.stringify, the other through the yaml library.
import { stringify } from 'yaml';

/** OutputFormat is what `-o/--output` takes on the cluster commands. */
export type OutputFormat = 'text' | 'json' | 'yaml';

/** OUTPUT_FORMATS are the --output choices of the cluster commands, text first (the default). */
export const OUTPUT_FORMATS: readonly OutputFormat[] = ['text', 'json', 'yaml'];

/** isMachineOutput says whether `format` is for a program (json, yaml) rather than a person. */
export function isMachineOutput(format: OutputFormat | undefined): format is 'json' | 'yaml' {
  return format === 'json' || format === 'yaml';
}

/** renderDocument renders `doc` as JSON (indented) or YAML, ending with a newline. */
export function renderDocument(doc: unknown, format: 'json' | 'yaml'): string {
  // aliasDuplicateObjects off: a value that appears twice is written twice, not as a YAML alias.
  return format === 'json' ? `${JSON.stringify(doc, null, 2)}\n` : stringify(doc, { aliasDuplicateObjects: false, lineWidth: 0 });
}
