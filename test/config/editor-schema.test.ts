// The editor schema (schema/canary.schema.json) as an editor and a strict validator see it: in step
// with the zod schema it is generated from, accepted by ajv in strict mode, identified, and every
// key described with its default and bounds; the defaults are the ones the CLI fills in.
import assert from 'node:assert/strict';
import { mkdtempSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { parse, stringify } from 'yaml';
import { configJsonSchema, schemaId } from '../../src/config/json-schema.js';
import { loadConfig } from '../../src/config/load-config.js';
import { builtinPlans } from '../../src/config/load-plan.js';
import { resolveHelmBinary } from '../../src/config/resolve-target.js';
import { repoRoot } from '../helpers/run-cli.js';
import { committedSchema, strictValidator, type JsonSchema } from './editor-schema-ajv.js';

const REGENERATE = 'regenerate it: node scripts/bundle.mjs && node dist/bin/helm-canary.mjs schema > schema/canary.schema.json';

// Every `properties` entry in the schema, by dotted path. The if/else of finalStepMustBe100 is a
// rule over fields already listed, not more fields, so it is not walked.
function propertiesOf(schema: JsonSchema, at = ''): [string, JsonSchema][] {
  const out: [string, JsonSchema][] = [];
  for (const [name, sub] of Object.entries((schema.properties ?? {}) as Record<string, JsonSchema>)) {
    const path = at ? `${at}.${name}` : name;
    out.push([path, sub], ...propertiesOf(sub, path));
  }
  for (const key of ['anyOf', 'oneOf', 'allOf'] as const) {
    for (const sub of (schema[key] ?? []) as JsonSchema[]) out.push(...propertiesOf(sub, at));
  }
  if (schema.items && typeof schema.items === 'object') out.push(...propertiesOf(schema.items as JsonSchema, `${at}[]`));
  return out;
}

// The constant values an editor offers for a key: const and enum, through anyOf/oneOf.
function offered(schema: JsonSchema): unknown[] {
  const own = [...('const' in schema ? [schema.const] : []), ...((schema.enum as unknown[] | undefined) ?? [])];
  return [...own, ...[...((schema.anyOf ?? []) as JsonSchema[]), ...((schema.oneOf ?? []) as JsonSchema[])].flatMap(offered)];
}

const schema = committedSchema();
const properties = propertiesOf(schema);
const property = (path: string) => {
  const found = properties.find(([p]) => p === path);
  assert.ok(found, `no property ${path} in the schema`);
  return found[1];
};

describe('editor schema: schema/canary.schema.json', () => {
  it('is what the zod schema generates, byte for byte (the file is generated, never edited)', () => {
    const generated = `${JSON.stringify(configJsonSchema(), null, 2)}\n`;
    assert.equal(readFileSync(join(repoRoot, 'schema', 'canary.schema.json'), 'utf8'), generated, `schema/canary.schema.json is out of date; ${REGENERATE}`);
  });

  it('compiles in a strict validator: no unknown format or keyword, no union types', () => {
    assert.doesNotThrow(() => strictValidator(schema));
    // The same validator refuses what the old file had, so the check above can fail.
    const old = (properties: JsonSchema) => strictValidator({ $schema: schema.$schema, type: 'object', properties });
    assert.throws(() => old({ oci: { type: 'string', format: 'starts_with' } }), /unknown format "starts_with"/);
    assert.throws(() => old({ stableTag: { type: ['string', 'number'] } }), /allowUnionTypes/);
  });

  it('names itself: $schema, a stable $id at this major version, a title and a description', () => {
    const { version, repository } = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')) as { version: string; repository?: { url?: string } };
    assert.equal(schema.$schema, 'http://json-schema.org/draft-07/schema#');
    assert.equal(schema.$id, `https://raw.githubusercontent.com/helm-canary/helm-canary/v${version.split('.')[0]}/schema/canary.schema.json`);
    assert.equal(schemaId('2.3.4'), 'https://raw.githubusercontent.com/helm-canary/helm-canary/v2/schema/canary.schema.json');
    if (repository?.url) assert.match(repository.url, /github\.com\/helm-canary\/helm-canary(\.git)?$/, 'the $id names the repository package.json names');
    assert.equal(typeof schema.title, 'string');
    assert.ok(String(schema.description).includes('helm-canary schema --path'));
  });

  it('describes every key, in canary.yaml and in an inline plan', () => {
    assert.ok(properties.length >= 40, `only ${properties.length} properties found`);
    const bare = properties.filter(([, sub]) => typeof sub.description !== 'string' || (sub.description as string).length < 10).map(([p]) => p);
    assert.deepEqual(bare, [], 'properties without a description');
    assert.deepEqual(
      properties.map(([p]) => p).filter((p) => !p.includes('.')).sort(),
      ['chart', 'drainSeconds', 'helm', 'image', 'mode', 'namespace', 'overlay', 'plan', 'release', 'replicas', 'valuePaths', 'valuesFiles'],
    );
  });

  it('states the bounds the CLI enforces on each number and name', () => {
    const weight = { type: 'integer', minimum: 1, maximum: 100 };
    const stepItems = (property('plan.steps').items as JsonSchema).anyOf as JsonSchema[];
    for (const w of [stepItems[0]!, property('plan.steps[].weight')]) {
      assert.deepEqual({ type: w.type, minimum: w.minimum, maximum: w.maximum }, weight);
    }
    assert.deepEqual([property('plan.steps').minItems, property('plan.steps').uniqueItems], [1, true]);
    assert.deepEqual([property('replicas').type, property('replicas').minimum], ['integer', 1]);
    assert.equal(property('drainSeconds').minimum, 0);
    assert.equal(property('plan.drainSeconds').minimum, 0);
    assert.equal(property('release').maxLength, 53);
    assert.equal(property('namespace').maxLength, 63);
    for (const path of ['release', 'namespace', 'image.repository', 'helm.timeout', 'chart.oci']) assert.equal(typeof property(path).pattern, 'string', path);
    for (const [path, sub] of properties) assert.notEqual(sub.format, 'starts_with', path);
  });

  it('gives each default the CLI fills in, and each default is valid where it stands', () => {
    const dir = mkdtempSync(join(tmpdir(), 'editor-schema-'));
    after(() => rmSync(dir, { recursive: true, force: true }));
    mkdirSync(join(dir, 'chart'));
    writeFileSync(join(dir, 'chart', 'Chart.yaml'), 'apiVersion: v2\nname: app\nversion: 0.1.0\n');
    writeFileSync(join(dir, 'canary.yaml'), stringify({ release: 'app', chart: './chart', image: { repository: 'acr.io/app' }, replicas: 2 }));
    const config = loadConfig({}, dir);
    writeFileSync(join(dir, 'overlay.yaml'), stringify({ release: 'app', chart: './chart', image: { repository: 'acr.io/app' }, replicas: 2, mode: 'overlay' }));
    const overlay = loadConfig({ file: join(dir, 'overlay.yaml') }, dir).spec.overlay!;
    const defaults = Object.fromEntries(properties.filter(([, sub]) => 'default' in sub).map(([p, sub]) => [p, sub.default]));
    assert.deepEqual(defaults, {
      valuesFiles: config.spec.valuesFiles,
      plan: config.plan.name,
      'plan.finalStepMustBe100': config.plan.finalStepMustBe100,
      'plan.drainSeconds': config.plan.drainSeconds,
      valuePaths: config.spec.valuePaths,
      'valuePaths.production': config.spec.valuePaths.production,
      ...Object.fromEntries(Object.entries(config.spec.valuePaths.production).map(([k, v]) => [`valuePaths.production.${k}`, v])),
      'valuePaths.canary': config.spec.valuePaths.canary,
      ...Object.fromEntries(Object.entries(config.spec.valuePaths.canary).map(([k, v]) => [`valuePaths.canary.${k}`, v])),
      helm: {},
      'helm.binary': resolveHelmBinary({}, {}, {}),
      'helm.timeout': config.spec.helm.timeout,
      'helm.createNamespace': config.spec.helm.createNamespace,
      'helm.extraArgs': config.spec.helm.extraArgs,
      drainSeconds: config.plan.drainSeconds,
      mode: config.spec.overlay ? 'overlay' : 'values',
      'overlay.hosts': overlay.routing.hosts,
      'overlay.gateways': overlay.routing.gateways,
      'overlay.istioApiVersion': overlay.istioApiVersion,
    });
    // No default namespace: one left out is the kubeconfig context's, which writing "default" would change.
    assert.ok(!('default' in property('namespace')));
    assert.match(String(property('namespace').description), /context's namespace/);
    for (const [path, value] of Object.entries(defaults)) {
      const validate = strictValidator({ $schema: schema.$schema, ...property(path), default: undefined });
      assert.ok(validate(value), `the default of ${path} is not valid against its own schema`);
    }
  });

  it("accepts the README's canary.yaml examples, which together show every key", () => {
    const readme = readFileSync(join(repoRoot, 'README.md'), 'utf8');
    const start = readme.indexOf('## Configuration (`canary.yaml`)');
    const section = readme.slice(start, readme.indexOf('\n## ', start + 1));
    // One example per mode: values mode's, then overlay mode's.
    const examples = [...section.matchAll(/```yaml\n([\s\S]*?)```/g)].map((m) => m[1]!).filter((text) => /^release:/m.test(text));
    assert.ok(start >= 0 && examples.length === 2, 'the README has no canary.yaml example for each mode');
    const validate = strictValidator(schema);
    for (const example of examples) assert.ok(validate(parse(example)), JSON.stringify(validate.errors));
    const keys = (value: unknown, at = ''): string[] =>
      value && typeof value === 'object' && !Array.isArray(value) ? Object.entries(value).flatMap(([k, v]) => [`${at}${k}`, ...keys(v, `${at}${k}.`)]) : [];
    const shown = new Set(examples.flatMap((example) => keys(parse(example))));
    const top = properties.map(([p]) => p).filter((p) => !p.startsWith('plan.') && !p.startsWith('chart.'));
    assert.deepEqual(top.filter((p) => !shown.has(p)), [], 'keys the README example does not show');
  });

  it('offers every built-in plan by name, each with its description', () => {
    const files = readdirSync(join(repoRoot, 'stages')).filter((f) => f.endsWith('.yaml')).map((f) => f.slice(0, -5)).sort();
    assert.ok(files.length >= 2);
    assert.deepEqual(builtinPlans(), files);
    assert.deepEqual([...offered(property('plan'))].sort(), files);
    const choices = ((property('plan').anyOf as JsonSchema[])[0]!.anyOf as JsonSchema[]).filter((c) => 'const' in c);
    for (const choice of choices) assert.match(String(choice.description), /^Built-in plan: \S/, String(choice.const));
  });
});
