// The parts of Istio's CRD schemas (VirtualService, DestinationRule; every served version has the
// same schema) that the canary tool writes, and the two ways a real API server enforces them:
//  - create, update and patch: OpenAPI validation, a 422 Invalid listing every wrong field;
//  - server-side apply: the object must first convert to a typed value, and a wrongly typed field
//    fails that as a 500 "failed to create typed patch object", before validation runs.
// Messages copy what kube-apiserver 1.37 answered (test-real/parity.test.ts runs the same checks
// against it). Fields not listed here are not checked.

/** FieldSchema is one node of a structural schema. */
export type FieldSchema =
  | { type: 'object'; properties?: Record<string, FieldSchema>; required?: string[]; values?: FieldSchema }
  | { type: 'array'; items: FieldSchema }
  | { type: 'string' }
  | { type: 'integer'; format?: 'int32' };

const string: FieldSchema = { type: 'string' };
const strings: FieldSchema = { type: 'array', items: string };
const destination: FieldSchema = {
  type: 'object',
  required: ['host'],
  properties: { host: string, subset: string, port: { type: 'object', properties: { number: { type: 'integer' } } } },
};
const routeDestination: FieldSchema = { type: 'object', required: ['destination'], properties: { destination, weight: { type: 'integer', format: 'int32' } } };
const routes: FieldSchema = { type: 'array', items: routeDestination };

/** ISTIO_SPECS are the schemas of `spec`, by kind. */
export const ISTIO_SPECS: Record<string, FieldSchema> = {
  VirtualService: {
    type: 'object',
    properties: {
      hosts: strings,
      gateways: strings,
      exportTo: strings,
      http: { type: 'array', items: { type: 'object', properties: { name: string, route: routes } } },
      tcp: { type: 'array', items: { type: 'object', properties: { route: routes } } },
      tls: { type: 'array', items: { type: 'object', required: ['match'], properties: { match: { type: 'array', items: { type: 'object' } }, route: routes } } },
    },
  },
  DestinationRule: {
    type: 'object',
    required: ['host'],
    properties: {
      host: string,
      exportTo: strings,
      subsets: { type: 'array', items: { type: 'object', required: ['name'], properties: { name: string, labels: { type: 'object', values: string } } } },
    },
  },
};

/** SchemaCause is one entry of a 422's details.causes. */
export interface SchemaCause {
  reason: 'FieldValueTypeInvalid' | 'FieldValueRequired' | 'FieldValueInvalid';
  message: string;
  field: string;
}

const INT32_MIN = -(2 ** 31);
const INT32_MAX = 2 ** 31 - 1;

function isMap(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

// jsonType names a value's JSON type the way the OpenAPI validator's messages do.
function jsonType(v: unknown): string {
  if (Array.isArray(v)) return 'array';
  if (v === null) return 'null';
  if (typeof v === 'number') return Number.isInteger(v) ? 'integer' : 'number';
  return typeof v === 'object' ? 'object' : typeof v;
}

function typeInvalid(field: string, got: string, want: string): SchemaCause {
  return { reason: 'FieldValueTypeInvalid', field, message: `Invalid value: "${got}": ${field} in body must be of type ${want}: "${got}"` };
}

function int32Format(field: string): SchemaCause {
  return { reason: 'FieldValueInvalid', field: '<nil>', message: `Invalid value: "": Checked value must be of type integer with format int32 in ${field}` };
}

/**
 * validationCauses lists what OpenAPI validation says about `value` at `field`: wrong types,
 * missing required fields, int32 overflow. Properties are visited in name order, then the
 * object's required fields (a real server's order varies between runs).
 */
export function validationCauses(schema: FieldSchema, value: unknown, field: string): SchemaCause[] {
  switch (schema.type) {
    case 'string':
      return typeof value === 'string' ? [] : [typeInvalid(field, jsonType(value), 'string')];
    case 'integer': {
      if (typeof value === 'number') {
        if (!Number.isInteger(value)) return schema.format === 'int32' ? [typeInvalid(field, 'float64', 'int32'), int32Format(field)] : [typeInvalid(field, 'number', 'integer')];
        if (schema.format === 'int32' && (value < INT32_MIN || value > INT32_MAX)) return [int32Format(field)];
        return [];
      }
      // A boolean fails the format check first, which names no type.
      if (typeof value === 'boolean' && schema.format === 'int32') return [typeInvalid(field, '', 'int32')];
      return [typeInvalid(field, jsonType(value), 'integer')];
    }
    case 'array':
      if (!Array.isArray(value)) return [typeInvalid(field, jsonType(value), 'array')];
      return value.flatMap((item, i) => validationCauses(schema.items, item, `${field}[${i}]`));
    case 'object': {
      if (!isMap(value)) return [typeInvalid(field, jsonType(value), 'object')];
      const causes: SchemaCause[] = [];
      for (const key of Object.keys(value).sort()) {
        const child = schema.properties?.[key] ?? schema.values;
        if (child && value[key] !== null) causes.push(...validationCauses(child, value[key], `${field}.${key}`));
      }
      for (const key of schema.required ?? []) {
        if (value[key] === undefined || value[key] === null) causes.push({ reason: 'FieldValueRequired', field: `${field}.${key}`, message: 'Required value' });
      }
      return causes;
    }
  }
}

// goValue renders a scalar as Go's %v would inside structured-merge-diff's messages.
function goValue(v: unknown): string {
  if (isMap(v)) return `map[${Object.keys(v).sort().map((k) => `${k}:${goValue(v[k])}`).join(' ')}]`;
  if (Array.isArray(v)) return `[${v.map(goValue).join(' ')}]`;
  return String(v);
}

// goTypeName is Go's %T of a decoded JSON value.
function goTypeName(v: unknown): string {
  if (Array.isArray(v)) return '[]interface {}';
  if (isMap(v)) return 'map[string]interface {}';
  if (typeof v === 'number') return Number.isInteger(v) ? 'int64' : 'float64';
  if (typeof v === 'boolean') return 'bool';
  return typeof v === 'string' ? 'string' : '<nil>';
}

/**
 * typedConversionErrors lists why `value` cannot become a typed value of `schema` (what
 * server-side apply checks first): wrong scalar, list or map types only, in field-name order.
 * Paths look like `.spec.http[0].route[0].weight`.
 */
export function typedConversionErrors(schema: FieldSchema, value: unknown, path: string): string[] {
  if (value === null || value === undefined) return [];
  switch (schema.type) {
    case 'string':
      return typeof value === 'string' ? [] : [`${path}: expected string, got &value.valueUnstructured{Value:${goValue(value)}}`];
    case 'integer':
      return typeof value === 'number' ? [] : [`${path}: expected numeric (int or float), got ${goTypeName(value)}`];
    case 'array':
      if (!Array.isArray(value)) return [`${path}: expected list, got &{${goValue(value)}}`];
      return value.flatMap((item, i) => typedConversionErrors(schema.items, item, `${path}[${i}]`));
    case 'object': {
      if (!isMap(value)) return [`${path}: expected map, got &{${goValue(value)}}`];
      return Object.keys(value)
        .sort()
        .flatMap((key) => {
          const child = schema.properties?.[key] ?? schema.values;
          return child ? typedConversionErrors(child, value[key], `${path}.${key}`) : [];
        });
    }
  }
}
