// Reads traffic weights out of a VirtualService and subset names out of a DestinationRule,
// as plain JSON (Istio kinds reach us through CustomObjectsApi untyped). Pure.

interface HttpDestination {
  destination?: { host?: string; subset?: string };
  weight?: number;
}
interface HttpRoute {
  match?: unknown[];
  route?: HttpDestination[];
}

function httpRoutes(virtualService: unknown): HttpRoute[] {
  const spec = (virtualService as { spec?: { http?: unknown } } | undefined)?.spec;
  return Array.isArray(spec?.http) ? (spec.http as HttpRoute[]) : [];
}

/**
 * splitRoute picks the http route that carries the release's traffic split. Istio sends a
 * request down the first route whose match applies, so a route with conditions (a header
 * route for testers, say) only takes part of the traffic while the first unconditional route
 * takes the rest. The choice: the first route without `match` that sends to one of `subsets`;
 * when every such route has conditions, the first that sends to one of them.
 */
export function splitRoute(virtualService: unknown, subsets: string[]): HttpRoute | undefined {
  const ours = httpRoutes(virtualService).filter((r) => (r.route ?? []).some((d) => subsets.includes(d.destination?.subset ?? '')));
  return ours.find((r) => !r.match || r.match.length === 0) ?? ours[0];
}

/**
 * subsetWeights sums the weights per destination subset in the split route. A sole destination
 * without a weight gets all traffic (100), as Istio does; otherwise a missing weight counts 0.
 * Destinations without a subset are left out: they are not one of the release's Deployments.
 */
export function subsetWeights(virtualService: unknown, subsets: string[]): Record<string, number> {
  const route = splitRoute(virtualService, subsets)?.route ?? [];
  const weights: Record<string, number> = {};
  for (const d of route) {
    const subset = d.destination?.subset;
    if (!subset) continue;
    const w = typeof d.weight === 'number' ? d.weight : route.length === 1 ? 100 : 0;
    weights[subset] = (weights[subset] ?? 0) + w;
  }
  return weights;
}

/** subsetNames lists the DestinationRule's subset names, in order. */
export function subsetNames(destinationRule: unknown): string[] {
  const subsets = (destinationRule as { spec?: { subsets?: unknown } } | undefined)?.spec?.subsets;
  if (!Array.isArray(subsets)) return [];
  return subsets.map((s) => (s as { name?: unknown }).name).filter((n): n is string => typeof n === 'string');
}
