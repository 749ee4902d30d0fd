// Parses an API path into what it addresses: which kind at which version, in which namespace,
// one object or a collection, and an optional subresource. Mirrors the apiserver's URL layout:
//   /api/v1[/namespaces/NS]/RESOURCE[/NAME[/SUB]]
//   /apis/GROUP/VERSION[/namespaces/NS]/RESOURCE[/NAME[/SUB]]
// plus the legacy `/watch/` prefix after the version.
import { KINDS, findKind } from '../store/resources.js';
import type { ServedKind } from '../store/resources.js';
import { ApiError } from './status.js';

/** ResourceRoute is a parsed resource URL. */
export interface ResourceRoute {
  kind: ServedKind;
  group: string;
  version: string;
  namespace?: string;
  name?: string;
  subresource?: string;
  legacyWatch: boolean;
}

/** apiVersionOf renders a group and version as an object's apiVersion. */
export function apiVersionOf(group: string, version: string): string {
  return group === '' ? version : `${group}/${version}`;
}

/** parseResourcePath returns the route, or undefined when the path is not a resource URL. */
export function parseResourcePath(path: string): ResourceRoute | undefined {
  const parts = path.split('/').filter((p) => p !== '').map(decodeURIComponent);
  let group: string;
  let version: string;
  let rest: string[];
  if (parts[0] === 'api' && parts.length >= 3) {
    group = '';
    version = parts[1]!;
    rest = parts.slice(2);
  } else if (parts[0] === 'apis' && parts.length >= 4) {
    group = parts[1]!;
    version = parts[2]!;
    rest = parts.slice(3);
  } else {
    return undefined;
  }
  let legacyWatch = false;
  if (rest[0] === 'watch') {
    legacyWatch = true;
    rest = rest.slice(1);
  }
  let namespace: string | undefined;
  // `/namespaces/NS` is the Namespace object itself (and its subresources), or a namespace prefix.
  if (rest[0] === 'namespaces' && rest.length >= 3 && !(rest.length === 3 && (rest[2] === 'status' || rest[2] === 'finalize'))) {
    namespace = rest[1];
    rest = rest.slice(2);
  }
  const [resource, name, subresource, ...extra] = rest;
  if (!resource || extra.length > 0) return undefined;
  const kind = findKind(group, resource);
  if (!kind || !kind.versions.includes(version)) {
    throw new ApiError(404, 'NotFound', `the server could not find the requested resource`);
  }
  if (!kind.namespaced && namespace !== undefined) {
    throw new ApiError(404, 'NotFound', `the server could not find the requested resource`);
  }
  if (kind === KINDS.namespace && name !== undefined) namespace = undefined;
  return { kind, group, version, namespace, name, subresource, legacyWatch };
}
