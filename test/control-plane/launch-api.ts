// A minimal HTTP(S) client for the launcher's own calls to the API server (readiness, applying
// Istio's CRDs and the fake Nodes): node:https with the admin's client certificate, so the
// launcher depends on nothing but the PKI it made. Objects are written with server-side apply,
// which makes every start idempotent and is what `kubectl apply --server-side` does.
import { request as httpRequest } from 'node:http';
import { request } from 'node:https';
import { readFileSync } from 'node:fs';
import type { Pki } from './launch-pki.js';

/** ApiResponse is a status code and the body, parsed when it is JSON. */
export interface ApiResponse {
  status: number;
  body: any;
  text: string;
}

/** ApiClient calls one API server as one client certificate. */
export interface ApiClient {
  call(method: string, path: string, body?: string, contentType?: string): Promise<ApiResponse>;
  /** apply server-side-applies one object (cluster-scoped or with metadata.namespace). */
  apply(object: Record<string, any>): Promise<ApiResponse>;
}

const FIELD_MANAGER = 'helm-canary-launcher';

/** resourcePath is the REST path of an object of the few kinds the launcher writes. */
export function resourcePath(object: Record<string, any>): string {
  const apiVersion: string = object.apiVersion;
  const kind: string = object.kind;
  const name: string = object.metadata?.name;
  const namespace: string | undefined = object.metadata?.namespace;
  const plural = kind.toLowerCase().endsWith('s') ? `${kind.toLowerCase()}es` : kind.toLowerCase().endsWith('y') ? `${kind.toLowerCase().slice(0, -1)}ies` : `${kind.toLowerCase()}s`;
  const base = apiVersion.includes('/') ? `/apis/${apiVersion}` : `/api/${apiVersion}`;
  return `${base}${namespace ? `/namespaces/${namespace}` : ''}/${plural}/${name}`;
}

/** ApiCredentials say where an API server is and who calls it: a client certificate, a bearer token, or neither. */
export interface ApiCredentials {
  /** https://HOST:PORT, or http:// for the simulator. */
  server: string;
  /** PEM of the CA that signed the server's certificate. */
  ca?: Buffer;
  /** Skip verifying the server's certificate (a kubeconfig's insecure-skip-tls-verify). */
  insecure?: boolean;
  cert?: Buffer;
  key?: Buffer;
  token?: string;
}

/** apiClient makes an ApiClient for `server` (https://127.0.0.1:PORT) as the admin of `pki`, or as the bearer of `token`. */
export function apiClient(server: string, pki: Pki, token?: string): ApiClient {
  const ca = readFileSync(pki.ca.cert);
  return token === undefined
    ? apiClientFor({ server, ca, cert: readFileSync(pki.admin.cert), key: readFileSync(pki.admin.key) })
    : apiClientFor({ server, ca, token });
}

/** apiClientFor makes an ApiClient from credentials (see test/helpers/kubeconfig-api.ts for reading them from a kubeconfig). */
export function apiClientFor(credentials: ApiCredentials): ApiClient {
  const secure = credentials.server.startsWith('https:');
  const tls = secure ? { ca: credentials.ca, cert: credentials.cert, key: credentials.key, rejectUnauthorized: !credentials.insecure } : {};
  const auth: Record<string, string> = credentials.token === undefined ? {} : { authorization: `Bearer ${credentials.token}` };
  const send = secure ? request : httpRequest;
  const call = (method: string, path: string, body?: string, contentType = 'application/json'): Promise<ApiResponse> =>
    new Promise((resolve, reject) => {
      const req = send(new URL(path, credentials.server), { method, ...tls, headers: body === undefined ? auth : { ...auth, 'content-type': contentType }, timeout: 10_000 }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          let parsed: unknown = undefined;
          try {
            parsed = JSON.parse(text);
          } catch {
            // /readyz answers plain text
          }
          resolve({ status: res.statusCode ?? 0, body: parsed, text });
        });
      });
      req.on('timeout', () => req.destroy(new Error(`${method} ${path}: no answer in 10 s`)));
      req.on('error', reject);
      if (body !== undefined) req.write(body);
      req.end();
    });
  return {
    call,
    apply: (object) => call('PATCH', `${resourcePath(object)}?fieldManager=${FIELD_MANAGER}&force=true`, JSON.stringify(object), 'application/apply-patch+yaml'),
  };
}

/** waitFor polls `check` every `intervalMs` until it returns true; throws `describe()` after `timeoutMs`. */
export async function waitFor(check: () => Promise<boolean>, timeoutMs: number, describe: () => string, intervalMs = 100): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  for (;;) {
    try {
      if (await check()) return;
    } catch (err) {
      lastError = err;
      // A component that has exited makes waiting pointless: its error says why.
      if (err instanceof Error && err.message.includes('last lines of')) throw err;
    }
    if (Date.now() > deadline) throw new Error(`${describe()} (waited ${timeoutMs} ms${lastError ? `; last error: ${String(lastError)}` : ''})`);
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}
