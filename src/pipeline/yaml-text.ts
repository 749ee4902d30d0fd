// Renders a generated pipeline as YAML with a comment header and comments on chosen values,
// because a pipeline file is read and reviewed by people before it is committed.
import { Document, isNode } from 'yaml';

/** NodeComment puts `text` after the value at `path` (keys and array indices). */
export interface NodeComment {
  path: (string | number)[];
  text: string;
}

/** renderYaml stringifies `value` with `header` comment lines on top. */
export function renderYaml(value: unknown, header: string[], comments: NodeComment[] = []): string {
  const doc = new Document(value);
  for (const { path, text } of comments) {
    const node = doc.getIn(path, true);
    if (!isNode(node)) throw new Error(`renderYaml: no value at ${path.join('.')}`);
    node.comment = ` ${text}`;
  }
  // No folding: long shell lines and expressions must stay on one line to stay valid.
  const top = header.map((line) => (line ? `# ${line}` : '#')).join('\n');
  return `${top}\n\n${doc.toString({ lineWidth: 0, minContentWidth: 0 })}`;
}
