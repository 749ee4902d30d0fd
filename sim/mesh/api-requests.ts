// The mesh's plain GETs against an API server, with the kubeconfig's credentials and TLS
// settings. Lists are read as raw JSON (not @kubernetes/client-node's typed models, which turn
// timestamps into Dates and drop fields they do not know) so that listed objects look exactly
// like the objects watch events carry.
import http from 'node:http';
import https from 'node:https';
import type { KubeConfig } from '@kubernetes/client-node';
import type { KubeObject } from '../store/types.js';

/** ApiError is a non-2xx answer: its HTTP status and the metav1.Status message when there is one. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

/** ObjectList is a list response: the items and the resourceVersion to watch from. */
export interface ObjectList {
  items: KubeObject[];
  resourceVersion: string;
}

/** getJson GETs `path` on the kubeconfig's current cluster and parses the JSON answer. */
export async function getJson(kc: KubeConfig, path: string): Promise<unknown> {
  const cluster = kc.getCurrentCluster();
  if (!cluster) throw new Error('mesh: the kubeconfig has no current cluster');
  const url = new URL(cluster.server.replace(/\/$/, '') + path);
  const options: https.RequestOptions = {};
  await kc.applyToHTTPSOptions(options);
  const request = url.protocol === 'https:' ? https.request : http.request;
  return new Promise((resolve, reject) => {
    const req = request(url, { ...options, method: 'GET', headers: { ...options.headers, Accept: 'application/json' } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('error', reject);
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        const status = res.statusCode ?? 0;
        let body: unknown;
        try {
          body = text === '' ? undefined : JSON.parse(text);
        } catch {
          body = undefined;
        }
        if (status < 200 || status > 299) {
          const message = (body as { message?: unknown } | undefined)?.message;
          reject(new ApiError(status, `GET ${path}: ${status} ${typeof message === 'string' ? message : text.slice(0, 200)}`));
          return;
        }
        resolve(body);
      });
    });
    req.on('error', reject);
    req.end();
  });
}

/** listObjects lists a collection, following `continue` tokens, and returns its resourceVersion. */
export async function listObjects(kc: KubeConfig, path: string, kind: string, apiVersion: string): Promise<ObjectList> {
  const items: KubeObject[] = [];
  let resourceVersion = '';
  let token: string | undefined;
  do {
    const query = new URLSearchParams({ limit: '500', ...(token ? { continue: token } : {}) });
    const page = (await getJson(kc, `${path}?${query}`)) as { items?: KubeObject[]; metadata?: { resourceVersion?: string; continue?: string } };
    // Items of a list carry neither kind nor apiVersion; the watch's objects do.
    for (const item of page.items ?? []) items.push({ ...item, kind, apiVersion });
    resourceVersion = page.metadata?.resourceVersion ?? resourceVersion;
    token = page.metadata?.continue || undefined;
  } while (token);
  return { items, resourceVersion };
}
