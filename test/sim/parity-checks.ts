// Assertions that hold on the simulated API server and on a real control plane alike, for the
// places where the two once differed (test-real/README.md, "Differences from the simulator").
// Each check takes a ParityApi, so test/sim/parity-*.test.ts run them against the simulator
// and test-real/parity.test.ts runs the very same functions against startRealCluster.
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';

/** ParityResponse is a status code and the body, parsed when it is JSON. */
export interface ParityResponse {
  status: number;
  body: any;
  text: string;
}

/** ParityApi calls one API server as a client allowed to do anything (the admin). */
export interface ParityApi {
  call(method: string, path: string, body?: string, contentType?: string): Promise<ParityResponse>;
}

/** simApi is a ParityApi for the simulator's plain-HTTP server at `url`. */
export function simApi(url: string): ParityApi {
  return {
    async call(method, path, body, contentType = 'application/json') {
      const res = await fetch(`${url}${path}`, { method, headers: body === undefined ? {} : { 'content-type': contentType }, body });
      const text = await res.text();
      let parsed: unknown;
      try {
        parsed = JSON.parse(text);
      } catch {
        // a watch answers several JSON documents, one a line
      }
      return { status: res.status, body: parsed, text };
    },
  };
}

/** PARITY_TERMINATION_DELAY_MS is the pod termination delay both clusters must be started with for checkPodTermination. */
export const PARITY_TERMINATION_DELAY_MS = 3000;

const ISTIO = 'networking.istio.io';
const CEL_SKIPPED = {
  reason: 'FieldValueInvalid',
  message: 'Invalid value: null: some validation rules were not checked because the object was invalid; correct the existing errors to complete validation',
  field: '<nil>',
};

type Cause = { reason: string; message: string; field: string };

function virtualService(ns: string, name: string, route: unknown[]): Record<string, any> {
  return { apiVersion: `${ISTIO}/v1`, kind: 'VirtualService', metadata: { name, namespace: ns }, spec: { hosts: ['checks'], http: [{ route }] } };
}

function destinationRule(ns: string, name: string, spec: unknown): Record<string, any> {
  return { apiVersion: `${ISTIO}/v1`, kind: 'DestinationRule', metadata: { name, namespace: ns }, spec };
}

function collection(ns: string, plural: string, version = 'v1'): string {
  return `/apis/${ISTIO}/${version}/namespaces/${ns}/${plural}`;
}

function applyPath(ns: string, plural: string, name: string): string {
  return `${collection(ns, plural)}/${name}?fieldManager=helm&fieldValidation=Strict&force=false`;
}

function typeInvalid(field: string, got: string, want: string): Cause {
  return { reason: 'FieldValueTypeInvalid', message: `Invalid value: "${got}": ${field} in body must be of type ${want}: "${got}"`, field };
}

function required(field: string): Cause {
  return { reason: 'FieldValueRequired', message: 'Required value', field };
}

/** invalidBody is the whole 422 a real API server answers for an Istio object whose causes come in this order. */
function invalidBody(kind: string, name: string, causes: Cause[]): Record<string, unknown> {
  const listed = causes.map((c) => `${c.field}: ${c.message}`);
  return {
    kind: 'Status',
    apiVersion: 'v1',
    metadata: {},
    status: 'Failure',
    message: `${kind}.${ISTIO} "${name}" is invalid: ${listed.length === 1 ? listed[0] : `[${listed.join(', ')}]`}`,
    reason: 'Invalid',
    details: { name, group: ISTIO, kind, causes },
    code: 422,
  };
}

// assertInvalid compares a 422 with the expected causes in any order (a real server's order of
// causes within an object varies between runs), then the rest of the body exactly.
function assertInvalid(res: ParityResponse, kind: string, name: string, causes: Cause[]): void {
  assert.equal(res.status, 422, res.text);
  const byField = (a: Cause, b: Cause) => `${a.field}${a.message}`.localeCompare(`${b.field}${b.message}`);
  assert.deepEqual([...res.body.details.causes].sort(byField), [...causes].sort(byField));
  const expected = invalidBody(kind, name, res.body.details.causes);
  assert.deepEqual(res.body, expected);
}

/** typedPatchBody is the 500 a server-side apply with a wrongly typed field gets: no reason, no details. */
function typedPatchBody(ns: string, name: string, kind: string, errors: string[]): Record<string, unknown> {
  const listed = errors.length === 1 ? errors[0] : `errors:\n${errors.map((e) => `  ${e}`).join('\n')}`;
  return {
    kind: 'Status',
    apiVersion: 'v1',
    metadata: {},
    status: 'Failure',
    message: `failed to create typed patch object (${ns}/${name}; ${ISTIO}/v1, Kind=${kind}): ${listed}`,
    code: 500,
  };
}

/** withSortedErrorLines is a Status whose multi-line message has its listed errors sorted. */
function withSortedErrorLines(body: Record<string, any>): Record<string, any> {
  if (typeof body?.message !== 'string') return body;
  const [head, ...lines] = body.message.split('\n');
  return { ...body, message: [head, ...lines.sort()].join('\n') };
}

/**
 * checkIstioValidation: creates, patches and updates of VirtualServices and DestinationRules are
 * validated against Istio's CRD schemas, with the API server's 422 bodies.
 */
export async function checkIstioValidation(api: ParityApi, ns: string): Promise<void> {
  const vsPath = collection(ns, 'virtualservices');
  const post = (path: string, obj: unknown) => api.call('POST', path, JSON.stringify(obj));

  const valid = await post(vsPath, virtualService(ns, 'valid', [{ destination: { host: 'checks', subset: 'production' }, weight: 100 }]));
  assert.equal(valid.status, 201, valid.text);

  const weight = 'spec.http[0].route[0].weight';
  const textWeight = await post(vsPath, virtualService(ns, 'text-weight', [{ destination: { host: 'checks' }, weight: 'a lot' }]));
  assert.deepEqual(textWeight.body, invalidBody('VirtualService', 'text-weight', [typeInvalid(weight, 'string', 'integer'), CEL_SKIPPED]));
  assert.equal(textWeight.status, 422);

  const noDestination = await post(vsPath, virtualService(ns, 'no-destination', [{ weight: 100 }]));
  assert.deepEqual(noDestination.body, invalidBody('VirtualService', 'no-destination', [required('spec.http[0].route[0].destination'), CEL_SKIPPED]));

  // Every version of the kind has the same schema.
  const beta = await post(collection(ns, 'virtualservices', 'v1beta1'), { ...virtualService(ns, 'beta', [{ destination: { host: 'checks' }, weight: '5' }]), apiVersion: `${ISTIO}/v1beta1` });
  assert.deepEqual(beta.body, invalidBody('VirtualService', 'beta', [typeInvalid(weight, 'string', 'integer'), CEL_SKIPPED]));

  const many = await post(vsPath, {
    ...virtualService(ns, 'many', []),
    spec: { hosts: 'checks', http: [{ route: [{ weight: 'x' }, { destination: {}, weight: true }, { destination: { host: 5, subset: false } }] }] },
  });
  assertInvalid(many, 'VirtualService', 'many', [
    typeInvalid('spec.hosts', 'string', 'array'),
    typeInvalid(weight, 'string', 'integer'),
    required('spec.http[0].route[0].destination'),
    typeInvalid('spec.http[0].route[1].weight', '', 'int32'),
    required('spec.http[0].route[1].destination.host'),
    typeInvalid('spec.http[0].route[2].destination.host', 'integer', 'string'),
    typeInvalid('spec.http[0].route[2].destination.subset', 'boolean', 'string'),
    CEL_SKIPPED,
  ]);

  // A weight that is a number but not an int32: the format check speaks, alone when the type is right.
  const int32 = (field: string) => ({ reason: 'FieldValueInvalid', message: `Invalid value: "": Checked value must be of type integer with format int32 in ${field}`, field: '<nil>' });
  const fraction = await post(vsPath, virtualService(ns, 'fraction', [{ destination: { host: 'checks' }, weight: 1.5 }]));
  assert.deepEqual(fraction.body, invalidBody('VirtualService', 'fraction', [typeInvalid(weight, 'float64', 'int32'), int32(weight), CEL_SKIPPED]));
  const huge = await post(vsPath, virtualService(ns, 'huge', [{ destination: { host: 'checks' }, weight: 3_000_000_000 }]));
  assert.deepEqual(huge.body, invalidBody('VirtualService', 'huge', [int32(weight)]));

  const drPath = collection(ns, 'destinationrules');
  const dr = await post(drPath, destinationRule(ns, 'subsets', { subsets: [{ labels: { canary: 'true' } }, { name: 7, labels: { canary: true } }] }));
  assertInvalid(dr, 'DestinationRule', 'subsets', [
    required('spec.subsets[0].name'),
    typeInvalid('spec.subsets[1].labels.canary', 'boolean', 'string'),
    typeInvalid('spec.subsets[1].name', 'integer', 'string'),
    required('spec.host'),
    CEL_SKIPPED,
  ]);
  const drOk = await post(drPath, destinationRule(ns, 'ok', { host: 'checks', subsets: [{ name: 'production', labels: { canary: 'false' } }] }));
  assert.equal(drOk.status, 201, drOk.text);

  // Patches and updates are validated as the object they produce.
  const patched = await api.call('PATCH', `${vsPath}/valid`, JSON.stringify({ spec: { http: [{ route: [{ destination: { host: 'checks' }, weight: 'many' }] }] } }), 'application/merge-patch+json');
  assert.deepEqual(patched.body, invalidBody('VirtualService', 'valid', [typeInvalid(weight, 'string', 'integer'), CEL_SKIPPED]));
  const live = (await api.call('GET', `${vsPath}/valid`)).body;
  live.spec.http[0].route[0] = { weight: 100 };
  const replaced = await api.call('PUT', `${vsPath}/valid`, JSON.stringify(live));
  assert.deepEqual(replaced.body, invalidBody('VirtualService', 'valid', [required('spec.http[0].route[0].destination'), CEL_SKIPPED]));
  assert.equal((await api.call('GET', `${vsPath}/valid`)).body.spec.http[0].route[0].weight, 100, 'the refused writes changed nothing');
}

/**
 * checkServerSideApplyTypes: a server-side apply (helm 4) of an Istio object with a wrongly typed
 * field is a 500 "failed to create typed patch object" naming every such field, before validation;
 * one with a missing required field gets validation's 422.
 */
export async function checkServerSideApplyTypes(api: ParityApi, ns: string): Promise<void> {
  const apply = (plural: string, obj: Record<string, any>) => api.call('PATCH', applyPath(ns, plural, obj.metadata.name), JSON.stringify(obj), 'application/apply-patch+yaml');

  const text = await apply('virtualservices', virtualService(ns, 'ssa-text', [{ destination: { host: 'checks', subset: 'production' }, weight: 'a lot' }]));
  assert.equal(text.status, 500, text.text);
  assert.deepEqual(text.body, typedPatchBody(ns, 'ssa-text', 'VirtualService', ['.spec.http[0].route[0].weight: expected numeric (int or float), got string']));

  // A wrong type wins over a missing field; every wrong field is listed. The real server walks an
  // object's fields in Go map order, so the lines of one object come in no fixed order (a CI run
  // listed route[1]'s weight before its subset): the lines are compared as a set.
  const several = await apply('virtualservices', virtualService(ns, 'ssa-several', [{ destination: { host: 5 }, weight: 'x' }, { destination: { host: 'x', subset: false }, weight: true }, { weight: 'y' }]));
  assert.deepEqual(withSortedErrorLines(several.body), withSortedErrorLines(typedPatchBody(ns, 'ssa-several', 'VirtualService', [
    '.spec.http[0].route[0].destination.host: expected string, got &value.valueUnstructured{Value:5}',
    '.spec.http[0].route[0].weight: expected numeric (int or float), got string',
    '.spec.http[0].route[1].destination.subset: expected string, got &value.valueUnstructured{Value:false}',
    '.spec.http[0].route[1].weight: expected numeric (int or float), got bool',
    '.spec.http[0].route[2].weight: expected numeric (int or float), got string',
  ])));

  const hosts = await apply('virtualservices', { ...virtualService(ns, 'ssa-hosts', []), spec: { hosts: 'checks' } });
  assert.deepEqual(hosts.body, typedPatchBody(ns, 'ssa-hosts', 'VirtualService', ['.spec.hosts: expected list, got &{checks}']));
  const labels = await apply('destinationrules', destinationRule(ns, 'ssa-labels', { host: 'checks', subsets: [{ name: 'canary', labels: { canary: true } }] }));
  assert.deepEqual(labels.body, typedPatchBody(ns, 'ssa-labels', 'DestinationRule', ['.spec.subsets[0].labels.canary: expected string, got &value.valueUnstructured{Value:true}']));

  const missing = await apply('virtualservices', virtualService(ns, 'ssa-missing', [{ weight: 100 }]));
  assert.deepEqual(missing.body, invalidBody('VirtualService', 'ssa-missing', [required('spec.http[0].route[0].destination'), CEL_SKIPPED]));

  for (const name of ['ssa-text', 'ssa-several', 'ssa-hosts', 'ssa-missing']) {
    assert.equal((await api.call('GET', `${collection(ns, 'virtualservices')}/${name}`)).status, 404, `${name} was not created`);
  }
  const good = await apply('virtualservices', virtualService(ns, 'ssa-good', [{ destination: { host: 'checks' }, weight: 100 }]));
  assert.equal(good.status, 201, good.text);
}

async function waitForPhase(api: ParityApi, path: string, phase: string): Promise<void> {
  for (let i = 0; i < 300; i++) {
    const res = await api.call('GET', path);
    if (res.body?.status?.phase === phase) return;
    await sleep(50);
  }
  assert.fail(`${path} never reached ${phase}`);
}

/**
 * checkPodTermination (the cluster's termination delay must be PARITY_TERMINATION_DELAY_MS): a
 * deleted pod stays terminating for the termination delay, or for its grace period when shorter
 * (the request's, else the pod's own); a grace period of 0 removes it at once.
 */
export async function checkPodTermination(api: ParityApi, ns: string): Promise<void> {
  const pods = `/api/v1/namespaces/${ns}/pods`;
  const cases = [
    { name: 'grace-default', query: '', spec: {}, grace: 30 },
    { name: 'grace-request-1', query: '?gracePeriodSeconds=1', spec: {}, grace: 1 },
    { name: 'grace-pod-1', query: '', spec: { terminationGracePeriodSeconds: 1 }, grace: 1 },
    { name: 'grace-0', query: '?gracePeriodSeconds=0', spec: {}, grace: 0 },
  ];
  for (const c of cases) {
    const pod = { apiVersion: 'v1', kind: 'Pod', metadata: { name: c.name, namespace: ns }, spec: { containers: [{ name: 'app', image: 'acr.io/checks/app:1' }], ...c.spec } };
    const created = await api.call('POST', pods, JSON.stringify(pod));
    assert.equal(created.status, 201, created.text);
  }
  for (const c of cases) await waitForPhase(api, `${pods}/${c.name}`, 'Running');

  const deletedAt = Date.now();
  const answers = await Promise.all(cases.map((c) => api.call('DELETE', `${pods}/${c.name}${c.query}`)));
  const gone = async (name: string) => (await api.call('GET', `${pods}/${name}`)).status === 404;
  assert.ok(await gone('grace-0'), 'a grace period of 0 removes the pod at once');
  answers.forEach((res, i) => {
    const c = cases[i]!;
    assert.equal(res.status, 200, res.text);
    assert.equal(res.body.kind, 'Pod');
    assert.equal(res.body.metadata.deletionGracePeriodSeconds, c.grace, c.name);
    // deletionTimestamp is the end of the grace period, in whole seconds.
    const ends = Date.parse(res.body.metadata.deletionTimestamp) - deletedAt;
    assert.ok(ends > c.grace * 1000 - 2000 && ends <= c.grace * 1000 + 1000, `${c.name}: deletionTimestamp ${ends} ms after the DELETE`);
  });

  const removedAfter = new Map<string, number>();
  while (removedAfter.size < 3 && Date.now() - deletedAt < PARITY_TERMINATION_DELAY_MS + 5000) {
    for (const name of ['grace-default', 'grace-request-1', 'grace-pod-1']) {
      if (!removedAfter.has(name) && (await gone(name))) removedAfter.set(name, Date.now() - deletedAt);
    }
    await sleep(25);
  }
  // A grace period of 1 s ends well before the termination delay (kwok removes such a pod at its
  // deletionTimestamp, which has whole seconds: up to 1 s early; the bound leaves room for a busy machine).
  for (const name of ['grace-request-1', 'grace-pod-1']) {
    const after = removedAfter.get(name);
    assert.ok(after !== undefined && after < PARITY_TERMINATION_DELAY_MS - 500, `${name} removed after ${after} ms`);
  }
  const slow = removedAfter.get('grace-default');
  assert.ok(slow !== undefined && slow >= PARITY_TERMINATION_DELAY_MS - 250 && slow < PARITY_TERMINATION_DELAY_MS + 3000, `grace-default removed after ${slow} ms`);
}

/**
 * checkDeleteAnswer: deleting an object of a kind without graceful deletion answers a Status
 * naming it, not the object.
 */
export async function checkDeleteAnswer(api: ParityApi, ns: string): Promise<void> {
  const cms = `/api/v1/namespaces/${ns}/configmaps`;
  const cm = await api.call('POST', cms, JSON.stringify({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'deleted' } }));
  assert.equal(cm.status, 201, cm.text);
  const vsPath = collection(ns, 'virtualservices');
  const vs = await api.call('POST', vsPath, JSON.stringify({ ...virtualService(ns, 'deleted', []), spec: { hosts: ['checks'] } }));
  assert.equal(vs.status, 201, vs.text);
  const success = (details: Record<string, unknown>) => ({ kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Success', details });
  const cmDeleted = await api.call('DELETE', `${cms}/deleted`);
  assert.equal(cmDeleted.status, 200);
  assert.deepEqual(cmDeleted.body, success({ name: 'deleted', kind: 'configmaps', uid: cm.body.metadata.uid }));
  const vsDeleted = await api.call('DELETE', `${vsPath}/deleted`);
  assert.deepEqual(vsDeleted.body, success({ name: 'deleted', group: ISTIO, kind: 'virtualservices', uid: vs.body.metadata.uid }));
  assert.equal((await api.call('DELETE', `${cms}/deleted`)).status, 404);
}

interface WatchLine {
  type: string;
  object: Record<string, any>;
}

function watchLines(text: string): WatchLine[] {
  return text.split('\n').filter((l) => l.trim() !== '').map((l) => JSON.parse(l) as WatchLine);
}

/**
 * checkWatchReplay: a watch from a past resourceVersion replays every change since, a label
 * selector turning an object's leaving into DELETED (the object as it was, at the new
 * resourceVersion); a watch from the current one replays nothing; a resourceVersion that is not
 * a number is a 500.
 */
export async function checkWatchReplay(api: ParityApi, ns: string): Promise<void> {
  const cms = `/api/v1/namespaces/${ns}/configmaps`;
  const start = (await api.call('GET', cms)).body.metadata.resourceVersion as string;
  const write = async (method: string, path: string, body?: unknown) => {
    const res = await api.call(method, path, body === undefined ? undefined : JSON.stringify(body), method === 'PATCH' ? 'application/merge-patch+json' : 'application/json');
    assert.ok(res.status < 300, res.text);
    return res.body.metadata.resourceVersion as string;
  };
  const created = await write('POST', cms, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'replayed', labels: { side: 'a' } }, data: { x: '1' } });
  const edited = await write('PATCH', `${cms}/replayed`, { data: { x: '2' } });
  const relabelled = await write('PATCH', `${cms}/replayed`, { metadata: { labels: { side: 'b' } } });
  await write('POST', cms, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'joins', labels: { side: 'b' } }, data: { x: '1' } });
  const joined = await write('PATCH', `${cms}/joins`, { metadata: { labels: { side: 'a' } } });
  await write('DELETE', `${cms}/replayed`);
  const now = (await api.call('GET', cms)).body.metadata.resourceVersion as string;

  const watch = (query: string) => api.call('GET', `${cms}?watch=true&timeoutSeconds=1&${query}`);
  const [all, selected, current, bad] = await Promise.all([
    watch(`resourceVersion=${start}`),
    watch(`resourceVersion=${start}&labelSelector=side%3Da`),
    watch(`resourceVersion=${now}`),
    watch('resourceVersion=abc'),
  ]);
  const summary = (res: ParityResponse) => watchLines(res.text).map((e) => [e.type, e.object.metadata.name, e.object.metadata.labels?.side, e.object.data?.x]);
  assert.equal(all.status, 200);
  assert.deepEqual(summary(all), [
    ['ADDED', 'replayed', 'a', '1'],
    ['MODIFIED', 'replayed', 'a', '2'],
    ['MODIFIED', 'replayed', 'b', '2'],
    ['ADDED', 'joins', 'b', '1'],
    ['MODIFIED', 'joins', 'a', '1'],
    ['DELETED', 'replayed', 'b', '2'],
  ]);
  assert.deepEqual(summary(selected), [
    ['ADDED', 'replayed', 'a', '1'],
    ['MODIFIED', 'replayed', 'a', '2'],
    ['DELETED', 'replayed', 'a', '2'],
    ['ADDED', 'joins', 'a', '1'],
  ]);
  const rvs = watchLines(selected.text).map((e) => e.object.metadata.resourceVersion);
  assert.deepEqual(rvs, [created, edited, relabelled, joined]);
  assert.deepEqual(watchLines(current.text), []);
  assert.equal(bad.status, 500);
  assert.deepEqual(bad.body, {
    kind: 'Status',
    apiVersion: 'v1',
    metadata: {},
    status: 'Failure',
    message: 'resourceVersion: Invalid value: "abc": strconv.ParseUint: parsing "abc": invalid syntax',
    code: 500,
  });
}
