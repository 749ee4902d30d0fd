// Test helpers for running the real helm binaries against a simulated cluster: each helm gets
// its own HOME and XDG dirs, so discovery caches and repositories never leak between tests.
import { execFile } from 'node:child_process';
import { mkdtemp, mkdir, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../..', import.meta.url));

/** helmBinary returns the path of the extracted helm 3 or 4 binary (see scripts/setup-helm.mjs). */
export function helmBinary(version: 3 | 4): string {
  const dir = process.env.HELM_CANARY_CACHE ?? join(root, '.cache', 'helm');
  return join(dir, `helm${version}`);
}

/** helmAvailable tells whether both binaries are extracted. */
export function helmAvailable(): boolean {
  return existsSync(helmBinary(3)) && existsSync(helmBinary(4));
}

/** HelmResult is one finished helm run. */
export interface HelmResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** HelmRunner runs one helm command; `home` is its private HOME, for the caller to remove. */
export type HelmRunner = ((args: string[]) => Promise<HelmResult>) & { home: string };

/** makeHelm returns a runner bound to one helm version, kubeconfig and private home. */
export async function makeHelm(version: 3 | 4, kubeconfigPath: string): Promise<HelmRunner> {
  const home = await mkdtemp(join(tmpdir(), `helm${version}-home-`));
  const env = {
    PATH: process.env.PATH ?? '',
    HOME: home,
    KUBECONFIG: kubeconfigPath,
    HELM_CACHE_HOME: join(home, 'cache'),
    HELM_CONFIG_HOME: join(home, 'config'),
    HELM_DATA_HOME: join(home, 'data'),
  };
  const run = (args: string[]) =>
    new Promise<HelmResult>((resolve) => {
      execFile(helmBinary(version), args, { env, timeout: 60_000 }, (err, stdout, stderr) => {
        const code = err ? (typeof err.code === 'number' ? err.code : 1) : 0;
        resolve({ code, stdout, stderr });
      });
    });
  return Object.assign(run, { home });
}

/** DEPLOYMENT_TEMPLATE is a Deployment with two containers, its tag and replicas from values. */
export const DEPLOYMENT_TEMPLATE = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  replicas: {{ .Values.replicas | default 2 }}
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      containers:
        - name: app
          image: "app:{{ .Values.tag | default "1" }}"
          env: [{name: A, value: "1"}]
        - name: proxy
          image: proxy:1
`;

/** writeChart writes a throwaway chart with a ConfigMap, a Service and a v1beta1 VirtualService. */
export async function writeChart(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'sim-chart-'));
  await mkdir(join(dir, 'templates'));
  await writeFile(join(dir, 'Chart.yaml'), 'apiVersion: v2\nname: tiny\nversion: 0.1.0\n');
  await writeFile(join(dir, 'values.yaml'), 'message: hello\ncanaryWeight: 0\n');
  await writeFile(
    join(dir, 'templates', 'all.yaml'),
    `apiVersion: v1
kind: ConfigMap
metadata:
  name: {{ .Release.Name }}-cfg
  labels: {app: tiny}
data:
  message: {{ .Values.message | quote }}
---
apiVersion: v1
kind: Service
metadata:
  name: {{ .Release.Name }}-svc
spec:
  selector: {app: tiny}
  ports:
    - name: http
      port: 80
      targetPort: 8080
---
apiVersion: networking.istio.io/v1beta1
kind: VirtualService
metadata:
  name: {{ .Release.Name }}-vs
spec:
  hosts: [tiny]
  http:
    - route:
        - destination: {host: tiny, subset: production}
          weight: {{ sub 100 .Values.canaryWeight }}
        - destination: {host: tiny, subset: canary}
          weight: {{ .Values.canaryWeight }}
`,
  );
  return dir;
}
