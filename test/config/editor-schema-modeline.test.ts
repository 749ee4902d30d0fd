// The modeline an editor reads at the top of canary.yaml, for every way helm-canary is installed:
// globally (npm install --global: the schema is wherever npm put the package, and the project
// has no node_modules), in the project (./node_modules/helm-canary), or from the published URL.
// An editor is emulated here as the YAML language server resolves a modeline (a file: URL as is,
// a path against the YAML file's directory), then the schema it finds checks the file.
import assert from 'node:assert/strict';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, describe, it } from 'node:test';
import { execa } from 'execa';
import { parse } from 'yaml';
import { repoRoot, runCli } from '../helpers/run-cli.js';
import { errorsOf, strictValidator, type JsonSchema } from './editor-schema-ajv.js';

const MODELINE = /^#\s*yaml-language-server:\s*\$schema=(\S+)/m;
const VALID = 'release: productpage\nchart: ./chart\nimage: {repository: acr.io/bookinfo/productpage}\nreplicas: 2\nplan: gradual\n';
const WEIGHT_101 = 'release: productpage\nchart: ./chart\nimage: {repository: acr.io/bookinfo/productpage}\nreplicas: 2\nplan: {steps: [10, 101]}\n';

/** EditorView is what an editor makes of a YAML file's modeline: the schema it loads and its verdict. */
type EditorView = { remote: string } | { schemaFile: string; missing: true } | { schemaFile: string; valid: boolean; errors: string[] };

// The YAML language server's rules for a modeline (yamlSchemaService.ts, getSchemaForResource).
function editorCheck(yamlFile: string): EditorView {
  const text = readFileSync(yamlFile, 'utf8');
  const ref = MODELINE.exec(text)?.[1];
  assert.ok(ref, `no modeline in ${yamlFile}`);
  if (ref.startsWith('http')) return { remote: ref };
  const schemaFile = ref.startsWith('file:') ? fileURLToPath(ref) : isAbsolute(ref) ? ref : resolve(dirname(yamlFile), ref);
  if (!existsSync(schemaFile)) return { schemaFile, missing: true };
  const validate = strictValidator(JSON.parse(readFileSync(schemaFile, 'utf8')) as JsonSchema);
  const valid = validate(parse(text)) as boolean;
  return { schemaFile, valid, errors: errorsOf(validate) };
}

// A package laid out as `npm install --global` lays it out under a prefix (with a space in it, as
// on many Windows and macOS home directories), with its bin linked from prefix/bin.
function globalInstall(root: string): { bin: string; packageDir: string } {
  const packageDir = join(root, 'global prefix', 'lib', 'node_modules', 'helm-canary');
  mkdirSync(packageDir, { recursive: true });
  for (const entry of ['package.json', 'schema', 'stages', join('dist', 'bin')]) cpSync(join(repoRoot, entry), join(packageDir, entry), { recursive: true });
  const bin = join(root, 'global prefix', 'bin', 'helm-canary');
  mkdirSync(dirname(bin), { recursive: true });
  symlinkSync(join(packageDir, 'dist', 'bin', 'helm-canary.mjs'), bin);
  return { bin, packageDir };
}

describe('editor schema: the modeline, however helm-canary is installed', () => {
  let root: string;
  let project: string;
  let global: { bin: string; packageDir: string };
  const helmCanary = (args: string[]) => execa(process.execPath, [global.bin, ...args], { cwd: project, reject: false });

  before(() => {
    root = mkdtempSync(join(tmpdir(), 'editor-modeline-'));
    project = join(root, 'team-repo');
    mkdirSync(project);
    global = globalInstall(root);
  });
  after(() => rmSync(root, { recursive: true, force: true }));

  it('global install: schema --path prints the installed schema file, the same schema `schema` prints', async () => {
    const r = await helmCanary(['schema', '--path']);
    assert.equal(r.exitCode, 0, r.stderr);
    assert.equal(r.stdout, join(global.packageDir, 'schema', 'canary.schema.json'));
    const printed = await helmCanary(['schema']);
    assert.deepEqual(JSON.parse(readFileSync(r.stdout, 'utf8')), JSON.parse(printed.stdout));
  });

  it('global install: the line schema --modeline prints makes an editor check canary.yaml against the installed schema', async () => {
    const r = await helmCanary(['schema', '--modeline']);
    assert.equal(r.exitCode, 0, r.stderr);
    assert.match(r.stdout, /^# yaml-language-server: \$schema=file:\/\/\S+$/);
    const file = join(project, 'canary.yaml');
    writeFileSync(file, `${r.stdout}\n${VALID}`);
    assert.deepEqual(editorCheck(file), { schemaFile: join(global.packageDir, 'schema', 'canary.schema.json'), valid: true, errors: [] });
    writeFileSync(file, `${r.stdout}\n${WEIGHT_101}`);
    const bad = editorCheck(file);
    assert.ok('valid' in bad && !bad.valid && bad.errors.some((e) => e.startsWith('/plan/steps/1: must be <= 100')), JSON.stringify(bad));
    // The project-relative line only works where the project installs helm-canary itself.
    writeFileSync(file, `# yaml-language-server: $schema=./node_modules/helm-canary/schema/canary.schema.json\n${VALID}`);
    assert.ok('missing' in editorCheck(file));
  });

  it('schema --modeline url prints the schema\'s $id, the published file of this major version', async () => {
    const r = await helmCanary(['schema', '--modeline', 'url']);
    assert.equal(r.exitCode, 0, r.stderr);
    const { $id } = JSON.parse((await helmCanary(['schema'])).stdout) as { $id: string };
    assert.equal(r.stdout, `# yaml-language-server: $schema=${$id}`);
    writeFileSync(join(project, 'canary.yaml'), `${r.stdout}\n${VALID}`);
    assert.deepEqual(editorCheck(join(project, 'canary.yaml')), { remote: $id });
  });

  it('refuses --path with --modeline, and an unknown modeline source (exit 2)', async () => {
    const both = await helmCanary(['schema', '--path', '--modeline']);
    assert.equal(both.exitCode, 2);
    assert.match(both.stderr, /--path and --modeline cannot be used together/);
    const unknown = await helmCanary(['schema', '--modeline', 'ftp']);
    assert.equal(unknown.exitCode, 2);
    assert.match(unknown.stderr, /Allowed choices are file, url/);
  });

  it("local install: the README's modelines reach a schema, and the README shows the global-install command", async () => {
    const readme = readFileSync(join(repoRoot, 'README.md'), 'utf8');
    const start = readme.indexOf('## Configuration (`canary.yaml`)');
    const section = readme.slice(start, readme.indexOf('\n## ', start + 1));
    assert.match(section, /helm-canary schema --modeline/);
    const refs = [...section.matchAll(/yaml-language-server: \$schema=([^\s`]+)/g)].map((m) => m[1]!);
    assert.ok(refs.length >= 2, refs.join(', '));
    const local = join(root, 'local-project');
    cpSync(join(repoRoot, 'schema'), join(local, 'node_modules', 'helm-canary', 'schema'), { recursive: true });
    const { $id } = JSON.parse((await runCli(['schema'])).stdout) as { $id: string };
    for (const ref of refs) {
      if (ref.startsWith('http')) {
        assert.equal(ref, $id, 'the README shows the $id');
        continue;
      }
      if (ref.includes('<') || ref.startsWith('file:')) continue; // a placeholder for the path `--modeline` prints
      writeFileSync(join(local, 'canary.yaml'), `# yaml-language-server: $schema=${ref}\n${VALID}`);
      const view = editorCheck(join(local, 'canary.yaml'));
      assert.ok('valid' in view && view.valid, `${ref}: ${JSON.stringify(view)}`);
    }
  });
});
