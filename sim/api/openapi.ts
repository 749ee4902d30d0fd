// A stub OpenAPI v3: enough for client-go's field-validation probe. kubectl/helm look for the
// PATCH operation tagged with the object's group-version-kind and check it declares the
// `fieldValidation` query parameter; when it does they leave schema validation to the server.
// Schemas are deliberately empty objects, so client-side validation accepts anything.
import { ALL_KINDS } from '../store/resources.js';
import { servedGroupVersions } from './discovery.js';
import { apiVersionOf } from './routes.js';

function gvPath(group: string, version: string): string {
  return group === '' ? `api/${version}` : `apis/${group}/${version}`;
}

/** openApiRoot is the /openapi/v3 index: one serverRelativeURL per group-version. */
export function openApiRoot(): Record<string, unknown> {
  const paths: Record<string, unknown> = {};
  for (const { group, version } of servedGroupVersions()) {
    const p = gvPath(group, version);
    paths[p] = { serverRelativeURL: `/openapi/v3/${p}?hash=SIM${version}` };
  }
  return { paths };
}

const QUERY_PARAMS = ['dryRun', 'fieldManager', 'fieldValidation', 'force'].map((name) => ({
  name,
  in: 'query',
  schema: { type: name === 'force' ? 'boolean' : 'string', uniqueItems: true },
}));

/** openApiGroupVersion is the document for `api/v1` or `apis/G/V`; undefined when not served. */
export function openApiGroupVersion(path: string): Record<string, unknown> | undefined {
  const gv = servedGroupVersions().find(({ group, version }) => gvPath(group, version) === path);
  if (!gv) return undefined;
  const { group, version } = gv;
  const paths: Record<string, unknown> = {};
  const schemas: Record<string, unknown> = {};
  for (const kind of ALL_KINDS.filter((k) => k.group === group && k.versions.includes(version))) {
    const gvk = { group, version, kind: kind.kind };
    const base = kind.namespaced ? `/${path}/namespaces/{namespace}/${kind.resource}` : `/${path}/${kind.resource}`;
    const ref = { $ref: `#/components/schemas/${schemaName(group, version, kind.kind)}` };
    const op = (action: string) => ({
      'x-kubernetes-action': action,
      'x-kubernetes-group-version-kind': gvk,
      parameters: action === 'patch' || action === 'put' || action === 'post' ? QUERY_PARAMS : [],
      responses: { '200': { content: { 'application/json': { schema: ref } } } },
    });
    paths[`${base}/{name}`] = { get: op('get'), put: op('put'), patch: op('patch'), delete: op('delete') };
    paths[base] = { get: op('list'), post: op('post') };
    schemas[schemaName(group, version, kind.kind)] = {
      type: 'object',
      'x-kubernetes-group-version-kind': [gvk],
      'x-kubernetes-preserve-unknown-fields': true,
      properties: { apiVersion: { type: 'string' }, kind: { type: 'string' }, metadata: { type: 'object' } },
    };
  }
  return {
    openapi: '3.0.0',
    info: { title: 'Kubernetes', version: apiVersionOf(group, version) },
    paths,
    components: { schemas },
  };
}

function schemaName(group: string, version: string, kind: string): string {
  const g = group === '' ? 'core' : group.split('.').reverse().join('.');
  return `io.k8s.sim.${g}.${version}.${kind}`;
}
