// Fixtures for the overlay's tests: charts nobody here wrote (what `helm create` scaffolds, rendered
// by the real helm 3 and helm 4), small hand-written manifests for the edge cases, and readers that
// look at the transform's output the way the cluster would.
import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { parseAllDocuments } from 'yaml';
import type { OverlayInput } from '../../src/overlay/overlay-input.js';
import { helmBinary } from '../sim/helm-env.js';

const run = promisify(execFile);

/** RenderOptions: values to --set, templates a team adds, and what to return. */
export interface RenderOptions {
  sets?: string[];
  /** File name under templates/ to template text. */
  extraTemplates?: Record<string, string>;
  /**
   * What a post-renderer is given instead of `helm template`'s output: helm 3 runs an executable
   * (hooks left out); helm 4 runs a postrenderer/v1 plugin (hooks in, no `# Source:` comments, each
   * object annotated with its template's file name). A pass-through post-renderer captures it.
   */
  postRendererInput?: boolean;
}

/**
 * renderHelmCreate runs `helm create demo` with the real helm, adds `extraTemplates` the way a
 * team adds its own, then `helm template rel demo [--set ...]`, all in a private HOME.
 */
export async function renderHelmCreate(version: 3 | 4, options: RenderOptions = {}): Promise<string> {
  const home = await mkdtemp(join(tmpdir(), `overlay-helm${version}-`));
  try {
    const env: Record<string, string> = {
      PATH: process.env.PATH ?? '',
      HOME: home,
      HELM_CACHE_HOME: join(home, 'cache'),
      HELM_CONFIG_HOME: join(home, 'config'),
      HELM_DATA_HOME: join(home, 'data'),
    };
    const chart = join(home, 'demo');
    await run(helmBinary(version), ['create', chart], { env });
    for (const [file, text] of Object.entries(options.extraTemplates ?? {})) await writeFile(join(chart, 'templates', file), text);
    const args = ['template', 'rel', chart, ...(options.sets ?? []).flatMap((s) => ['--set', s])];
    if (!options.postRendererInput) return (await run(helmBinary(version), args, { env })).stdout;

    const captured = join(home, 'post-renderer-input.yaml');
    const script = `#!/bin/sh\ntee '${captured}'\n`;
    if (version === 3) {
      await writeFile(join(home, 'capture.sh'), script, { mode: 0o755 });
      await run(helmBinary(version), [...args, '--post-renderer', join(home, 'capture.sh')], { env });
    } else {
      const plugin = join(home, 'plugins', 'capture');
      await mkdir(plugin, { recursive: true });
      await writeFile(
        join(plugin, 'plugin.yaml'),
        'apiVersion: v1\nname: capture\ntype: postrenderer/v1\nruntime: subprocess\nversion: 1.0.0\nruntimeConfig:\n  platformCommand:\n    - command: /bin/sh ${HELM_PLUGIN_DIR}/capture.sh\n',
      );
      await writeFile(join(plugin, 'capture.sh'), script);
      await run(helmBinary(version), [...args, '--post-renderer', 'capture'], { env: { ...env, HELM_PLUGINS: join(home, 'plugins') } });
    }
    return await readFile(captured, 'utf8');
  } finally {
    await rm(home, { recursive: true, force: true });
  }
}

/** PDB_TEMPLATE is a PodDisruptionBudget on the Deployment's own selector labels, as teams add one to a helm create chart. */
export const PDB_TEMPLATE = `apiVersion: policy/v1
kind: PodDisruptionBudget
metadata:
  name: {{ include "demo.fullname" . }}
  labels:
    {{- include "demo.labels" . | nindent 4 }}
spec:
  minAvailable: 1
  selector:
    matchLabels:
      {{- include "demo.selectorLabels" . | nindent 6 }}
`;

/** CONFIG_AND_HOOK_TEMPLATES add a ConfigMap the pods could mount and a pre-upgrade hook Job whose pods carry the Deployment's labels. */
export const CONFIG_AND_HOOK_TEMPLATES = {
  'configmap.yaml': `apiVersion: v1
kind: ConfigMap
metadata:
  name: {{ include "demo.fullname" . }}-config
data:
  enabled: "on"
  greeting: hello
`,
  'migrate-job.yaml': `apiVersion: batch/v1
kind: Job
metadata:
  name: {{ include "demo.fullname" . }}-migrate
  annotations:
    "helm.sh/hook": pre-upgrade
    "helm.sh/hook-delete-policy": before-hook-creation
spec:
  template:
    metadata:
      labels:
        {{- include "demo.selectorLabels" . | nindent 8 }}
    spec:
      restartPolicy: Never
      containers:
        - name: migrate
          image: busybox
          command: ["true"]
`,
};

/** overlayInput is a stage's input with sensible defaults; `over` replaces any part. */
export function overlayInput(over: Partial<OverlayInput> = {}): OverlayInput {
  return {
    target: {},
    routing: { hosts: [], gateways: [] },
    values: {
      production: { repository: 'registry.example/app', tag: '1.0.0', replicas: 3, weight: 90 },
      canary: { repository: 'registry.example/app', tag: '2.0.0', replicas: 1, weight: 10 },
    },
    ...over,
  };
}

/** Obj is a parsed Kubernetes object, read loosely. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Obj = any;

/** objectsOf parses a manifest the way helm does (YAML 1.1), skipping empty documents. */
export function objectsOf(manifest: string): Obj[] {
  return parseAllDocuments(manifest, { version: '1.1', uniqueKeys: false })
    .map((d) => d.toJS())
    .filter((v) => v !== null && v !== undefined);
}

/** find returns the one object of a kind and name, failing the test when there is not exactly one. */
export function find(objects: Obj[], kind: string, name: string): Obj {
  const found = objects.filter((o) => o.kind === kind && o.metadata?.name === name);
  if (found.length !== 1) throw new Error(`expected one ${kind} ${name}, found ${found.length}`);
  return found[0];
}

/** matches tells whether every pair of a selector is among the labels (how a Service or subset selects pods). */
export function matches(selector: Record<string, string>, labels: Record<string, string>): boolean {
  return Object.entries(selector).every(([k, v]) => labels[k] === v);
}

/** documentTexts splits a manifest into its documents' texts (without `---` lines), for byte comparisons. */
export function documentTexts(manifest: string): string[] {
  return manifest
    .split(/^---[ \t]*$/m)
    .map((t) => t.replace(/^\n/, '').replace(/\s+$/, ''))
    .filter((t) => t !== '');
}

/** yamlOf joins hand-written documents as helm writes them. */
export function manifestOf(...documents: string[]): string {
  return documents.map((d) => `---\n${d.replace(/^\n/, '')}`).join('');
}

/** deployment is a hand-written Deployment; the selector and pod labels are given as flow maps. */
export function deployment(name: string, selector: string, podLabels: string, extra: { replicas?: number | null; containers?: string[]; annotations?: string } = {}): string {
  const containers = extra.containers ?? ['app'];
  return `# Source: t/templates/${name}.yaml
apiVersion: apps/v1
kind: Deployment
metadata:
  name: ${name}
  labels: {app.kubernetes.io/managed-by: Helm}
${extra.annotations ? `  annotations: ${extra.annotations}\n` : ''}spec:
${extra.replicas === null ? '' : `  replicas: ${extra.replicas ?? 2}\n`}  selector:
    matchLabels: ${selector}
  template:
    metadata:
      labels: ${podLabels}
    spec:
      containers:
${containers.map((c) => `        - name: ${c}\n          image: old/${c}:0\n`).join('')}`;
}

/** service is a hand-written Service with the given selector and ports. */
export function service(name: string, selector: string, ports = '[{name: http, port: 80}]'): string {
  return `# Source: t/templates/${name}-svc.yaml
apiVersion: v1
kind: Service
metadata:
  name: ${name}
spec:
  selector: ${selector}
  ports: ${ports}
`;
}

/** nodeText is the exact source text of one field of one object, e.g. a Deployment's spec.selector. */
export function nodeText(manifest: string, kind: string, name: string, path: (string | number)[]): string {
  const doc = parseAllDocuments(manifest, { version: '1.1' }).find((d) => d.get('kind') === kind && d.getIn(['metadata', 'name']) === name);
  if (!doc) throw new Error(`no ${kind} ${name}`);
  const node = doc.getIn(path, true) as { range?: [number, number, number] } | undefined;
  if (!node?.range) throw new Error(`${kind} ${name} has no ${path.join('.')}`);
  return manifest.slice(node.range[0], node.range[1]);
}

/** documentText is the exact text of one object's document (without the `---` line). */
export function documentText(manifest: string, kind: string, name: string): string {
  const found = documentTexts(manifest).filter((t) => {
    const [doc] = parseAllDocuments(t, { version: '1.1' });
    return doc?.get('kind') === kind && doc.getIn(['metadata', 'name']) === name;
  });
  if (found.length !== 1) throw new Error(`expected one ${kind} ${name} document, found ${found.length}`);
  return found[0] as string;
}
