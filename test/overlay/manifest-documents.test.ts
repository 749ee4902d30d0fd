// Reading and writing the manifest stream: documents the overlay leaves alone come out as the exact
// text that went in, whatever helm's layout (helm template's, or a helm 4 post-renderer's input
// without a leading `---`), and values YAML 1.1 would misread are written quoted.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { newDocument, parseManifest, serializeManifest } from '../../src/overlay/manifest-documents.js';
import { objectsOf } from './overlay-fixtures.js';

const untouched = (manifest: string) => serializeManifest(parseManifest(manifest).map((d) => ({ source: d.source })));

describe('manifest documents', () => {
  it('helm template\'s layout (a `---` and a `# Source:` comment before each document) round-trips byte for byte', () => {
    const manifest = '---\n# Source: c/templates/a.yaml\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\ndata: {x: "on", "y": yes}\n---\n# Source: c/templates/empty.yaml\n---\n# Source: c/templates/b.yaml\n# a comment of the chart\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: b}\n';
    assert.equal(untouched(manifest), manifest);
  });

  it('a stream without a leading `---` (helm 4\'s post-renderer input) gets one, and nothing else changes', () => {
    const manifest = 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: b\n';
    assert.equal(untouched(manifest), `---\n${manifest}`);
  });

  it('an empty manifest stays empty', () => {
    assert.equal(untouched(''), '');
  });

  it('strings YAML 1.1 reads as booleans, numbers or null are written quoted, so helm reads them back as strings', () => {
    const words = ['true', 'on', 'off', 'yes', 'no', 'y', 'n', 'null', '~', '1.0', '010', '0x1f', '1e3', '.inf', '2024-01-01', '12:30'];
    fc.assert(
      fc.property(fc.dictionary(fc.constantFrom(...words, 'app', 'web'), fc.constantFrom(...words, 'web')), (labels) => {
        const text = serializeManifest([{ doc: newDocument({ metadata: { labels } }) }]);
        assert.deepEqual(objectsOf(text)[0].metadata.labels, { ...labels });
      }),
    );
  });
});
