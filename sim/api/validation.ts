// Admission checks the simulated cluster applies beyond the store's own (names, namespaces).
// First the API server's own validation of Istio objects against their CRD schemas (a 422), then
// Istio's validating webhook, which rejects a VirtualService whose weighted destinations do not
// add up to 100; the canary tool relies on that, so the simulator enforces it the same way.
import type { KubeObject } from '../store/types.js';
import { ISTIO_SPECS, typedConversionErrors, validationCauses } from './istio-schema.js';
import type { SchemaCause } from './istio-schema.js';
import { ApiError } from './status.js';

type JsonMap = Record<string, unknown>;

function asArray(v: unknown): JsonMap[] {
  return Array.isArray(v) ? (v.filter((x) => typeof x === 'object' && x !== null) as JsonMap[]) : [];
}

/** virtualServiceErrors lists what Istio's validation would say about a VirtualService spec. */
export function virtualServiceErrors(obj: KubeObject): string[] {
  const spec = (obj.spec ?? {}) as JsonMap;
  const errors: string[] = [];
  for (const section of ['http', 'tcp', 'tls'] as const) {
    asArray(spec[section]).forEach((route) => {
      const destinations = asArray(route.route);
      const weights = destinations.map((d) => d.weight);
      if (weights.every((w) => w === undefined)) return;
      let total = 0;
      for (const w of weights) {
        if (w === undefined) continue;
        if (typeof w !== 'number' || !Number.isInteger(w) || w < 0) {
          errors.push(`weight ${String(w)} must be a non-negative integer`);
          return;
        }
        total += w;
      }
      // A lone destination may omit its weight (it gets all traffic); otherwise all must add up.
      if (!(destinations.length === 1 && weights[0] === undefined) && total !== 100) {
        errors.push(`total destination weight ${total} != 100`);
      }
    });
  }
  return errors;
}

// The API server adds this cause whenever schema errors kept the CRD's CEL rules from running.
const CEL_SKIPPED: SchemaCause = {
  reason: 'FieldValueInvalid',
  field: '<nil>',
  message: 'Invalid value: null: some validation rules were not checked because the object was invalid; correct the existing errors to complete validation',
};

/** schemaInvalid is the 422 the API server answers when an Istio object fails its CRD schema, or undefined. */
export function schemaInvalid(obj: KubeObject): ApiError | undefined {
  const schema = ISTIO_SPECS[obj.kind];
  if (!schema || obj.spec === undefined || obj.spec === null) return undefined;
  const causes = validationCauses(schema, obj.spec, 'spec');
  if (causes.length === 0) return undefined;
  if (causes.some((c) => c.reason !== 'FieldValueInvalid')) causes.push(CEL_SKIPPED);
  const group = obj.apiVersion.split('/')[0]!;
  const listed = causes.map((c) => `${c.field}: ${c.message}`);
  const message = `${obj.kind}.${group} "${obj.metadata.name}" is invalid: ${listed.length === 1 ? listed[0] : `[${listed.join(', ')}]`}`;
  return new ApiError(422, 'Invalid', message, { name: obj.metadata.name, group, kind: obj.kind, causes });
}

/**
 * typedPatchFailure is the 500 a server-side apply of an Istio object with a wrongly typed field
 * gets (the applied object cannot become a typed value), or undefined. `apiVersion` is the
 * version the request addressed.
 */
export function typedPatchFailure(obj: KubeObject, apiVersion: string): ApiError | undefined {
  const schema = ISTIO_SPECS[obj.kind];
  if (!schema) return undefined;
  const errors = typedConversionErrors(schema, obj.spec, '.spec');
  if (errors.length === 0) return undefined;
  const listed = errors.length === 1 ? errors[0] : `errors:\n${errors.map((e) => `  ${e}`).join('\n')}`;
  const id = `${obj.metadata.namespace ? `${obj.metadata.namespace}/` : ''}${obj.metadata.name}`;
  return new ApiError(500, '', `failed to create typed patch object (${id}; ${apiVersion}, Kind=${obj.kind}): ${listed}`);
}

/**
 * jobInvalid is the 422 the API server answers for a Job whose pods would restart forever: a Job's
 * pod template must say `restartPolicy: Never` or `OnFailure` (a Job pod runs to completion). The
 * server defaults an absent restartPolicy to Always first; either way it answers "Required value"
 * (measured on kube-apiserver 1.37).
 */
export function jobInvalid(obj: KubeObject): ApiError | undefined {
  if (obj.kind !== 'Job') return undefined;
  const template = ((obj.spec as JsonMap | undefined)?.template ?? {}) as JsonMap;
  const policy = ((template.spec ?? {}) as JsonMap).restartPolicy;
  if (policy === 'Never' || policy === 'OnFailure') return undefined;
  const field = 'spec.template.spec.restartPolicy';
  const message = 'Required value: valid values: "OnFailure", "Never"';
  return new ApiError(422, 'Invalid', `Job.batch "${obj.metadata.name}" is invalid: ${field}: ${message}`, {
    name: obj.metadata.name,
    group: 'batch',
    kind: 'Job',
    causes: [{ reason: 'FieldValueRequired', message, field }],
  });
}

/**
 * admit runs the admission checks for an object about to be written: schema validation (422),
 * then Istio's webhook, whose denial reaches clients as a 400 whose message names the webhook,
 * as on a real cluster.
 */
export function admit(obj: KubeObject): void {
  const invalid = schemaInvalid(obj) ?? jobInvalid(obj);
  if (invalid) throw invalid;
  if (obj.kind === 'VirtualService') {
    const errors = virtualServiceErrors(obj);
    if (errors.length > 0) {
      throw new ApiError(400, 'BadRequest', `admission webhook "validation.istio.io" denied the request: configuration is invalid: ${errors.join(', ')}`);
    }
  }
}
