// Admission checks the simulated cluster applies beyond the store's own (names, namespaces).
// Istio's validating webhook rejects a VirtualService whose weighted destinations do not add up
// to 100; the canary tool relies on that, so the simulator enforces it the same way.
import type { KubeObject } from '../store/types.js';
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

/**
 * admit runs the admission checks for an object about to be written. Istio's webhook denial
 * reaches clients as a 400 whose message names the webhook, as on a real cluster.
 */
export function admit(obj: KubeObject): void {
  if (obj.kind === 'VirtualService') {
    const errors = virtualServiceErrors(obj);
    if (errors.length > 0) {
      throw new ApiError(400, 'BadRequest', `admission webhook "validation.istio.io" denied the request: configuration is invalid: ${errors.join(', ')}`);
    }
  }
}
