// The simulated Kubernetes API server: plain HTTP on 127.0.0.1, serving discovery, an OpenAPI
// stub, pod eviction and generic REST (get, list, watch, create, update, status, patch, apply, delete) for the
// kinds in ../store/resources.ts, over one ObjectStore. Faults are consulted before each request.
import { createServer } from 'node:http';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import YAML from 'yaml';
import type { Faults } from '../faults.js';
import { KINDS } from '../store/resources.js';
import type { ServedKind } from '../store/resources.js';
import { matchesFields, matchesLabels, parseFieldSelector, parseLabelSelector } from '../store/selectors.js';
import { deletePod, podGracePeriodSeconds } from '../store/pod-deletion.js';
import type { KubeObject, ObjectStore } from '../store/types.js';
import { serverSideApply } from './apply.js';
import {
  aggregatedContentType,
  aggregatedDiscovery,
  apiGroupList,
  apiResourceList,
  apiVersions,
  hasStatusSubresource,
  versionInfo,
  wantedAggregatedVersion,
} from './discovery.js';
import { evictPod } from './eviction.js';
import { recordUpdate } from './managed-fields.js';
import { openApiGroupVersion, openApiRoot } from './openapi.js';
import { jsonPatch, mergePatch, strategicMergePatch } from './patch.js';
import { decodeProtobufObject } from './protobuf.js';
import { RequestLog } from './request-log.js';
import type { RequestRecord } from './request-log.js';
import { ApiError, reasonFor, statusBody, toApiError } from './status.js';
import { apiVersionOf, parseResourcePath } from './routes.js';
import type { ResourceRoute } from './routes.js';
import { admit, typedPatchFailure } from './validation.js';
import { serveWatch } from './watch.js';

/** ApiServerOptions configure one simulated API server. */
export interface ApiServerOptions {
  store: ObjectStore;
  faults?: Faults;
  /** Port to listen on; 0 (default) picks a free one. */
  port?: number;
}

type Query = Record<string, string>;

const BUILTIN_GROUPS = new Set(['', 'apps', 'batch', 'autoscaling', 'policy', 'networking.k8s.io', 'coordination.k8s.io']);

function isBuiltin(kind: ServedKind): boolean {
  return BUILTIN_GROUPS.has(kind.group);
}

function sendJson(res: ServerResponse, code: number, body: unknown, contentType = 'application/json'): void {
  const text = JSON.stringify(body);
  res.writeHead(code, { 'Content-Type': contentType, 'Content-Length': Buffer.byteLength(text) });
  res.end(text);
}

function sendError(res: ServerResponse, err: ApiError): void {
  sendJson(res, err.code, statusBody(err.code, err.reason, err.message, err.details));
}

async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

function mediaType(header: string | undefined): string {
  return (header ?? '').split(';')[0]!.trim().toLowerCase();
}

/** ApiServer serves one ObjectStore over HTTP until stopped. */
export class ApiServer {
  /** requests holds every answered request, for tests. */
  readonly requests = new RequestLog();
  private readonly store: ObjectStore;
  private readonly faults?: Faults;
  private readonly port: number;
  private server?: Server;
  private readonly sockets = new Set<Socket>();
  private readonly watches = new Set<() => void>();
  private address = '';

  constructor(options: ApiServerOptions) {
    this.store = options.store;
    this.faults = options.faults;
    this.port = options.port ?? 0;
  }

  /** url is `http://127.0.0.1:PORT` once started. */
  get url(): string {
    return `http://${this.address}`;
  }

  /** start listens and resolves with the server URL. */
  async start(): Promise<string> {
    const server = createServer((req, res) => {
      this.handle(req, res).catch((err: unknown) => {
        if (!res.headersSent) sendError(res, toApiError(err));
        else res.destroy();
      });
    });
    server.on('connection', (socket) => {
      this.sockets.add(socket);
      socket.on('close', () => this.sockets.delete(socket));
    });
    this.server = server;
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.port, '127.0.0.1', () => resolve());
    });
    const { port } = server.address() as AddressInfo;
    this.address = `127.0.0.1:${port}`;
    return this.url;
  }

  /** stop ends every watch, drops every connection and closes the listener. */
  async stop(): Promise<void> {
    for (const close of [...this.watches]) close();
    const server = this.server;
    if (!server) return;
    this.server = undefined;
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    for (const socket of this.sockets) socket.destroy();
    await closed;
  }

  /** activeWatches counts open watch streams (tests check streams end when clients leave). */
  get activeWatches(): number {
    return this.watches.size;
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const query: Query = Object.fromEntries(url.searchParams);
    const method = req.method ?? 'GET';
    const record: RequestRecord = {
      method,
      path: url.pathname,
      query,
      contentType: req.headers['content-type'],
      accept: req.headers.accept,
      userAgent: req.headers['user-agent'],
      status: 0,
      watch: query.watch === 'true' || query.watch === '1' || url.pathname.includes('/watch/'),
    };
    res.on('finish', () => {
      if (!record.watch) this.requests.add({ ...record, status: res.statusCode });
    });

    const fault = this.faults?.apiFault(method, url.pathname);
    if (fault?.delayMs) await sleep(fault.delayMs);
    if (fault?.drop) {
      this.requests.add(record);
      req.socket.destroy();
      return;
    }
    if (fault?.status) {
      sendError(res, new ApiError(fault.status, reasonFor(fault.status), `injected fault: ${fault.status}`));
      return;
    }
    const body = await readBody(req);
    try {
      await this.route(req, res, url.pathname, query, body, record);
    } catch (err) {
      if (res.headersSent) throw err;
      sendError(res, toApiError(err));
    }
  }

  private async route(req: IncomingMessage, res: ServerResponse, path: string, query: Query, body: Buffer, record: RequestRecord): Promise<void> {
    const method = req.method ?? 'GET';
    const trimmed = path.replace(/\/+$/, '') || '/';
    if (method === 'GET') {
      const doc = this.discoveryDocument(trimmed, req.headers.accept);
      if (doc) {
        sendJson(res, 200, doc.body, doc.contentType);
        return;
      }
    }
    const route = parseResourcePath(trimmed);
    if (!route) throw new ApiError(404, 'NotFound', 'the server could not find the requested resource');
    if (route.kind === KINDS.pod && route.subresource === 'eviction' && route.name !== undefined) {
      if (method !== 'POST') throw new ApiError(405, 'MethodNotAllowed', `the server does not allow this method on the requested resource`);
      const eviction = this.decode(req, body, ['application/json', 'application/yaml']) as Record<string, unknown>;
      const pod = this.mustGet(route);
      return sendJson(res, 201, evictPod(this.store, pod, eviction ?? {}, Date.now(), this.dryRun(query)));
    }
    if (route.subresource && !(route.subresource === 'status' && hasStatusSubresource(route.kind))) {
      throw new ApiError(404, 'NotFound', 'the server could not find the requested resource');
    }
    const watch = route.legacyWatch || query.watch === 'true' || query.watch === '1';
    if (method === 'GET' && watch) {
      if (route.name !== undefined) query.fieldSelector = [query.fieldSelector, `metadata.name=${route.name}`].filter(Boolean).join(',');
      this.watch(req, res, route, query);
      this.requests.add({ ...record, status: 200 });
      return;
    }
    switch (method) {
      case 'GET':
        if (route.name === undefined) return sendJson(res, 200, this.list(route, query));
        return sendJson(res, 200, this.present(this.mustGet(route), route));
      case 'POST':
        if (route.name !== undefined) throw new ApiError(405, 'MethodNotAllowed', 'POST is only allowed on collections');
        return sendJson(res, 201, this.create(route, query, req, body));
      case 'PUT':
        return sendJson(res, 200, this.replace(route, query, req, body));
      case 'PATCH': {
        const { object, created } = this.patch(route, query, req, body);
        return sendJson(res, created ? 201 : 200, object);
      }
      case 'DELETE':
        if (route.name === undefined) return sendJson(res, 200, this.deleteCollection(route, query, req, body));
        return sendJson(res, 200, this.remove(route, query, req, body));
      default:
        throw new ApiError(405, 'MethodNotAllowed', `method ${method} is not allowed`);
    }
  }

  private discoveryDocument(path: string, accept: string | undefined): { body: unknown; contentType?: string } | undefined {
    if (path === '/version') return { body: versionInfo() };
    if (path === '/healthz' || path === '/readyz' || path === '/livez') return { body: 'ok' };
    if (path === '/api' || path === '/apis') {
      const aggregated = wantedAggregatedVersion(accept);
      if (aggregated) return { body: aggregatedDiscovery(path === '/api', aggregated), contentType: aggregatedContentType(aggregated) };
      return { body: path === '/api' ? apiVersions(this.address) : apiGroupList() };
    }
    const core = /^\/api\/([^/]+)$/.exec(path);
    const named = /^\/apis\/([^/]+)\/([^/]+)$/.exec(path);
    const list = core ? apiResourceList('', core[1]!) : named ? apiResourceList(named[1]!, named[2]!) : undefined;
    if (list) return { body: list };
    const group = /^\/apis\/([^/]+)$/.exec(path);
    if (group) {
      const g = (apiGroupList().groups as Array<{ name: string }>).find((x) => x.name === group[1]);
      if (g) return { body: { kind: 'APIGroup', apiVersion: 'v1', ...g } };
    }
    if (path === '/openapi/v3') return { body: openApiRoot() };
    if (path.startsWith('/openapi/v3/')) {
      const doc = openApiGroupVersion(path.slice('/openapi/v3/'.length));
      if (doc) return { body: doc };
    }
    return undefined;
  }

  // present renders a stored object at the version the request addressed.
  private present(obj: KubeObject, route: ResourceRoute): KubeObject {
    return { ...obj, apiVersion: apiVersionOf(route.group, route.version), kind: route.kind.kind };
  }

  private mustGet(route: ResourceRoute): KubeObject {
    const obj = this.store.get(route.kind, route.namespace, route.name!);
    if (!obj) throw new ApiError(404, 'NotFound', `${qualified(route.kind)} "${route.name}" not found`, this.details(route));
    return obj;
  }

  private details(route: ResourceRoute): Record<string, unknown> {
    return { name: route.name, group: route.group, kind: route.kind.resource };
  }

  private selector(query: Query): (obj: KubeObject) => boolean {
    let labels;
    let fields;
    try {
      labels = parseLabelSelector(query.labelSelector ?? '');
      fields = parseFieldSelector(query.fieldSelector ?? '');
    } catch (err) {
      throw new ApiError(400, 'BadRequest', (err as Error).message);
    }
    return (obj) => matchesLabels(labels, obj.metadata.labels) && matchesFields(fields, obj);
  }

  private list(route: ResourceRoute, query: Query): Record<string, unknown> {
    const matches = this.selector(query);
    const items = this.store.list(route.kind, route.namespace).filter(matches).map((o) => this.present(o, route));
    return {
      kind: `${route.kind.kind}List`,
      apiVersion: apiVersionOf(route.group, route.version),
      metadata: { resourceVersion: this.store.currentResourceVersion() },
      items,
    };
  }

  private watch(req: IncomingMessage, res: ServerResponse, route: ResourceRoute, query: Query): void {
    const rv = query.resourceVersion;
    if (rv !== undefined && rv !== '' && !/^\d+$/.test(rv)) {
      throw new ApiError(500, '', `resourceVersion: Invalid value: "${rv}": strconv.ParseUint: parsing "${rv}": invalid syntax`);
    }
    const timeout = query.timeoutSeconds !== undefined ? Number(query.timeoutSeconds) : undefined;
    let close: () => void = () => undefined;
    close = serveWatch(
      req,
      res,
      this.store,
      { kind: route.kind, namespace: route.namespace, matches: this.selector(query), present: (o) => this.present(o, route), apiVersion: apiVersionOf(route.group, route.version) },
      {
        resourceVersion: query.resourceVersion,
        sendInitialEvents: query.sendInitialEvents === 'true',
        allowBookmarks: query.allowWatchBookmarks === 'true',
        timeoutSeconds: Number.isFinite(timeout) ? timeout : undefined,
      },
      () => this.watches.delete(close),
    );
    this.watches.add(close);
  }

  private decode(req: IncomingMessage, body: Buffer, allowed: string[]): unknown {
    const type = mediaType(req.headers['content-type']);
    if (!allowed.includes(type)) {
      throw new ApiError(415, 'UnsupportedMediaType', `the body of the request was in an unknown format - accepted media types include: ${allowed.join(', ')}`);
    }
    if (type === 'application/vnd.kubernetes.protobuf') return decodeProtobufObject(body);
    const text = body.toString('utf8');
    try {
      return type === 'application/yaml' || type === 'application/apply-patch+yaml' ? YAML.parse(text) : JSON.parse(text);
    } catch (err) {
      throw new ApiError(400, 'BadRequest', `the body of the request could not be decoded: ${(err as Error).message}`);
    }
  }

  private decodeObject(route: ResourceRoute, req: IncomingMessage, body: Buffer): KubeObject {
    const obj = this.decode(req, body, ['application/json', 'application/yaml', 'application/vnd.kubernetes.protobuf']);
    if (typeof obj !== 'object' || obj === null || Array.isArray(obj)) throw new ApiError(400, 'BadRequest', 'the request body must be an object');
    return this.checkIdentity(route, obj as KubeObject);
  }

  // checkIdentity fills kind, apiVersion and namespace from the URL and rejects contradictions.
  private checkIdentity(route: ResourceRoute, obj: KubeObject): KubeObject {
    if (obj.kind !== undefined && obj.kind !== route.kind.kind) {
      throw new ApiError(400, 'BadRequest', `the kind of the provided object ${String(obj.kind)} does not match the resource ${route.kind.resource}`);
    }
    obj.kind = route.kind.kind;
    // Stored at the preferred version: every served version has the same schema here.
    obj.apiVersion = apiVersionOf(route.kind.group, route.kind.versions[0]!);
    obj.metadata = obj.metadata ?? ({} as KubeObject['metadata']);
    if (route.kind.namespaced) {
      if (obj.metadata.namespace !== undefined && obj.metadata.namespace !== '' && obj.metadata.namespace !== route.namespace) {
        throw new ApiError(400, 'BadRequest', 'the namespace of the provided object does not match the namespace sent on the request');
      }
      obj.metadata.namespace = route.namespace;
    }
    if (route.name !== undefined) {
      if (obj.metadata.name !== undefined && obj.metadata.name !== '' && obj.metadata.name !== route.name) {
        throw new ApiError(400, 'BadRequest', `the name of the object (${obj.metadata.name}) does not match the name on the URL (${route.name})`);
      }
      obj.metadata.name = route.name;
    }
    delete obj.metadata.managedFields;
    return obj;
  }

  private manager(query: Query, req: IncomingMessage): string {
    if (query.fieldManager) return query.fieldManager;
    // The apiserver's default manager is the client's user agent up to the first '/'.
    return (req.headers['user-agent'] ?? 'unknown').split('/')[0]!;
  }

  private dryRun(query: Query): boolean {
    return query.dryRun === 'All';
  }

  private create(route: ResourceRoute, query: Query, req: IncomingMessage, body: Buffer): KubeObject {
    const obj = this.decodeObject(route, req, body);
    if (route.kind !== KINDS.namespace) delete obj.status;
    if (obj.kind === 'Secret' && obj.stringData) foldStringData(obj);
    admit(obj);
    recordUpdate(undefined, obj, this.manager(query, req), obj.apiVersion, isBuiltin(route.kind));
    if (this.dryRun(query)) return this.present(obj, route);
    return this.present(this.store.create(route.kind, obj), route);
  }

  private replace(route: ResourceRoute, query: Query, req: IncomingMessage, body: Buffer): KubeObject {
    if (route.name === undefined) throw new ApiError(405, 'MethodNotAllowed', 'PUT needs an object name');
    const obj = this.decodeObject(route, req, body);
    const live = this.mustGet(route);
    return this.present(this.write(route, query, req, live, obj), route);
  }

  // write stores a new version of an existing object through the main resource or /status.
  private write(route: ResourceRoute, query: Query, req: IncomingMessage, live: KubeObject, next: KubeObject): KubeObject {
    if (route.subresource === 'status') {
      next.metadata.managedFields = live.metadata.managedFields;
      if (this.dryRun(query)) return next;
      return this.store.update(route.kind, next, { subresource: 'status' });
    }
    if (hasStatusSubresource(route.kind)) {
      next.status = live.status;
      if (next.status === undefined) delete next.status;
    }
    if (next.kind === 'Secret' && next.stringData) foldStringData(next);
    admit(next);
    if (query.__apply !== 'true') recordUpdate(live, next, this.manager(query, req), next.apiVersion, isBuiltin(route.kind));
    if (this.dryRun(query)) return next;
    return this.store.update(route.kind, next);
  }

  private patch(route: ResourceRoute, query: Query, req: IncomingMessage, body: Buffer): { object: KubeObject; created: boolean } {
    if (route.name === undefined) throw new ApiError(405, 'MethodNotAllowed', 'PATCH needs an object name');
    const type = mediaType(req.headers['content-type']);
    const live = this.store.get(route.kind, route.namespace, route.name);
    if (type === 'application/apply-patch+yaml') {
      if (route.subresource) throw new ApiError(415, 'UnsupportedMediaType', 'apply to subresources is not supported by the simulator');
      const applied = this.checkIdentity(route, this.decode(req, body, [type]) as KubeObject);
      if (!query.fieldManager) throw new ApiError(422, 'Invalid', 'PatchOptions.meta.k8s.io "" is invalid: fieldManager: Required value: is required for apply patch');
      const untyped = typedPatchFailure(applied, apiVersionOf(route.group, route.version));
      if (untyped) throw untyped;
      const result = serverSideApply(live, applied, {
        manager: query.fieldManager,
        force: query.force === 'true',
        builtin: isBuiltin(route.kind),
        apiVersion: apiVersionOf(route.group, route.version),
      });
      result.kind = route.kind.kind;
      result.apiVersion = applied.apiVersion;
      if (!live) {
        if (route.kind.kind === 'Secret' && result.stringData) foldStringData(result);
        admit(result);
        if (this.dryRun(query)) return { object: this.present(result, route), created: true };
        return { object: this.present(this.store.create(route.kind, result), route), created: true };
      }
      return { object: this.present(this.write(route, { ...query, __apply: 'true' }, req, live, result), route), created: false };
    }
    if (!live) throw new ApiError(404, 'NotFound', `${qualified(route.kind)} "${route.name}" not found`, this.details(route));
    let patched: unknown;
    if (type === 'application/merge-patch+json') patched = mergePatch(live, this.decode(req, body, [type]));
    else if (type === 'application/json-patch+json') patched = jsonPatch(live, this.decode(req, body, [type]));
    else if (type === 'application/strategic-merge-patch+json') {
      if (!isBuiltin(route.kind)) {
        throw new ApiError(415, 'UnsupportedMediaType', `strategic merge patch is not supported for ${qualified(route.kind)}: use merge patch`);
      }
      patched = strategicMergePatch(live, this.decode(req, body, [type]));
    } else {
      throw new ApiError(
        415,
        'UnsupportedMediaType',
        'the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json, application/apply-patch+yaml, application/strategic-merge-patch+json',
      );
    }
    if (typeof patched !== 'object' || patched === null) throw new ApiError(422, 'Invalid', 'the patch produced no object');
    const next = patched as KubeObject;
    // A patch cannot move or rename an object; keep its identity as addressed.
    next.metadata = { ...(next.metadata ?? {}), name: route.name, ...(route.kind.namespaced ? { namespace: route.namespace } : {}) };
    next.kind = route.kind.kind;
    next.apiVersion = live.apiVersion;
    return { object: this.present(this.write(route, query, req, live, next), route), created: false };
  }

  // remove answers as the API server does: a kind with graceful deletion (Pod, Namespace) with the
  // object, any other with a Status naming what was deleted.
  private remove(route: ResourceRoute, query: Query, req: IncomingMessage, body: Buffer): Record<string, unknown> {
    const live = this.mustGet(route);
    if (route.kind === KINDS.pod) return this.present(this.deletePodGracefully(live, query, req, body), route);
    const removed = this.dryRun(query) ? live : this.store.delete(route.kind, route.namespace, route.name!);
    if (route.kind === KINDS.namespace) return this.present(removed, route);
    return {
      kind: 'Status',
      apiVersion: 'v1',
      metadata: {},
      status: 'Success',
      details: { name: removed.metadata.name, ...(route.group ? { group: route.group } : {}), kind: route.kind.resource, uid: removed.metadata.uid },
    };
  }

  private deleteCollection(route: ResourceRoute, query: Query, req: IncomingMessage, body: Buffer): Record<string, unknown> {
    const list = this.list(route, query);
    for (const item of list.items as KubeObject[]) {
      if (route.kind === KINDS.pod) this.deletePodGracefully(item, query, req, body);
      else if (!this.dryRun(query)) this.store.delete(route.kind, item.metadata.namespace, item.metadata.name);
    }
    return list;
  }

  // deletePodGracefully: the grace period comes from the query, else the DeleteOptions body.
  private deletePodGracefully(pod: KubeObject, query: Query, req: IncomingMessage, body: Buffer): KubeObject {
    let requested: number | undefined = query.gracePeriodSeconds !== undefined ? Number(query.gracePeriodSeconds) : undefined;
    if (requested === undefined && body.length > 0 && mediaType(req.headers['content-type']) !== 'application/vnd.kubernetes.protobuf') {
      let options: unknown;
      try {
        options = JSON.parse(body.toString('utf8'));
      } catch {
        throw new ApiError(400, 'BadRequest', 'the body of the request could not be decoded as DeleteOptions');
      }
      const fromBody = (options as { gracePeriodSeconds?: unknown } | null)?.gracePeriodSeconds;
      if (typeof fromBody === 'number') requested = fromBody;
    }
    if (requested !== undefined && !(Number.isInteger(requested) && requested >= 0)) {
      throw new ApiError(400, 'BadRequest', `gracePeriodSeconds: Invalid value: ${String(query.gracePeriodSeconds ?? requested)}: must be a non-negative integer`);
    }
    return deletePod(this.store, KINDS.pod, pod, podGracePeriodSeconds(pod, requested), Date.now(), this.dryRun(query));
  }
}

function qualified(kind: ServedKind): string {
  return kind.group === '' ? kind.resource : `${kind.resource}.${kind.group}`;
}

// foldStringData moves Secret.stringData into data (base64), as the apiserver does on write.
function foldStringData(obj: KubeObject): void {
  const data = { ...((obj.data as Record<string, string> | undefined) ?? {}) };
  for (const [k, v] of Object.entries(obj.stringData as Record<string, string>)) data[k] = Buffer.from(String(v)).toString('base64');
  obj.data = data;
  delete obj.stringData;
}
