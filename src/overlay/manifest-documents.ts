// Reading and writing helm's rendered manifest: a stream of YAML documents, each with helm's
// `# Source:` comment, some empty. A document the overlay leaves alone is written back as the
// exact text it was read from, so hooks, ConfigMaps and the rest reach helm byte for byte; only a
// document the overlay changes or adds is serialized. Both use YAML 1.1, as helm and the API server
// read it (Go's yaml), so a string such as `on`, `yes` or `y` is written quoted and stays a string.
import { Document, isMap, isScalar, parseAllDocuments } from 'yaml';
import { OverlayError } from './overlay-error.js';

/** YAML_VERSION is how helm's Go YAML reads a manifest; reading and writing agree with it. */
const YAML_VERSION = '1.1' as const;

/** ManifestDocument is one document of the stream: its YAML tree, its text, and its value. */
export interface ManifestDocument {
  /** The parsed document; the overlay edits it in place (comments and formatting survive). */
  doc: Document;
  /** The exact text read, without the leading `---` line. */
  source: string;
  /** The document's value as read (null for an empty document). */
  value: unknown;
}

/** parseManifest splits a rendered manifest into its documents; OverlayError when one is not YAML. */
export function parseManifest(manifest: string): ManifestDocument[] {
  // intAsBigInt: an integer is written back with all its digits when its document is re-serialized.
  // uniqueKeys off: helm reads a duplicated key (a sloppy template's second label) with the last
  // one winning and installs the chart; the post-renderer must not fail where helm alone succeeds.
  const docs = parseAllDocuments(manifest, { version: YAML_VERSION, prettyErrors: false, intAsBigInt: true, uniqueKeys: false });
  // parseAllDocuments returns an EmptyStream (an array with no documents) for empty input.
  const out: ManifestDocument[] = [];
  for (const [index, doc] of Array.from(docs).entries()) {
    if (doc.errors.length > 0) {
      const first = doc.errors[0];
      throw new OverlayError(`The rendered manifest's document ${index + 1} is not valid YAML: ${first?.message ?? 'parse error'}`, [
        'Run `helm template` on the chart with the same values and fix the template that renders it.',
      ]);
    }
    const [start, , end] = doc.range;
    out.push({ doc, source: withoutDocumentStart(manifest.slice(start, end)), value: doc.toJS({ maxAliasCount: 10_000 }) });
  }
  return out;
}

/** newDocument makes a document of `value`, written the way parseManifest reads. */
export function newDocument(value: unknown, commentBefore?: string): Document {
  const doc = new Document(value, { version: YAML_VERSION });
  // On the contents, not the document, so no blank line separates the comment from the object.
  if (commentBefore !== undefined && doc.contents) doc.contents.commentBefore = commentBefore;
  return doc;
}

/** setField sets a field of a document; a key the chart wrote twice is written once, so the new value is the one read. */
export function setField(doc: Document, path: readonly (string | number)[], value: unknown): void {
  if (occurrences(doc, path) > 1) deleteField(doc, path);
  doc.setIn(path, value);
}

/** deleteField removes a field of a document, every copy of a duplicated key included. */
export function deleteField(doc: Document, path: readonly (string | number)[]): void {
  while (doc.hasIn(path)) doc.deleteIn(path);
}

function occurrences(doc: Document, path: readonly (string | number)[]): number {
  const parent = doc.getIn(path.slice(0, -1), true);
  const key = path[path.length - 1];
  if (!isMap(parent)) return 0;
  return parent.items.filter((pair) => (isScalar(pair.key) ? pair.key.value : pair.key) === key).length;
}

/** OutputDocument is what serializeManifest writes: a document's original text, or a changed tree. */
export type OutputDocument = { source: string } | { doc: Document };

/** serializeManifest writes documents as one stream, each after a `---` line. */
export function serializeManifest(documents: OutputDocument[]): string {
  return documents
    .map((d) => {
      const text = 'source' in d ? d.source : withoutDocumentStart(d.doc.toString({ lineWidth: 0 }));
      const body = text.replace(/\s+$/, '');
      // A document whose content starts on the marker line (`--- !tag` or `--- a: 1`) keeps its own.
      return body.startsWith('---') ? `${body}\n` : `---\n${body}${body === '' ? '' : '\n'}`;
    })
    .join('');
}

// Helm writes `---` before every document; the writer adds its own, so the text is kept without it.
function withoutDocumentStart(text: string): string {
  return text.replace(/^---[ \t]*(\r?\n|$)/, '');
}
