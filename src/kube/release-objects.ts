// Finds, in a release's rendered manifest (`helm get manifest`), the objects the runner verifies:
// the production and canary Deployments, the VirtualService and the DestinationRule, and the
// subset names the routes use. Pure: no Kubernetes client, so commands that only need the
// manifest stay fast.
import { parseAllDocuments } from 'yaml';
import type { DeploymentRole } from '../engine/types.js';
import { CANARY_OF_ANNOTATION } from '../overlay/overlay-input.js';
import type { ReleaseObjects } from '../rollout/ports.js';
import { ReleaseObjectsError } from './kube-errors.js';

/** ReleaseObjectOverrides name objects explicitly when the manifest does not make them clear. */
export interface ReleaseObjectOverrides {
  production?: string;
  canary?: string;
  virtualService?: string;
  destinationRule?: string;
  subsets?: Partial<Record<DeploymentRole, string>>;
}

/** DEFAULT_SUBSETS are the subset names of the reference chart. */
export const DEFAULT_SUBSETS: Record<DeploymentRole, string> = { production: 'production', canary: 'canary' };

interface Manifest {
  apiVersion?: string;
  kind?: string;
  metadata?: { name?: string; labels?: Record<string, unknown>; annotations?: Record<string, unknown> };
  spec?: Record<string, unknown>;
}

/** manifestObjects parses multi-document YAML into its objects, skipping empty documents. */
export function manifestObjects(manifest: string): Manifest[] {
  const objects: Manifest[] = [];
  for (const doc of parseAllDocuments(manifest)) {
    if (doc.errors.length > 0) throw new Error(`the release manifest is not valid YAML: ${doc.errors[0]!.message}`);
    const value: unknown = doc.toJS();
    if (value && typeof value === 'object' && !Array.isArray(value)) objects.push(value as Manifest);
  }
  return objects;
}

// canaryLabel reads the pod template's `canary` label; YAML may hand back a boolean when the
// chart forgot to quote it, which the API server would reject anyway, but the intent is clear.
function canaryLabel(dep: Manifest): string | undefined {
  const template = dep.spec?.template as { metadata?: { labels?: Record<string, unknown> } } | undefined;
  const value = template?.metadata?.labels?.canary;
  return value === undefined || value === null ? undefined : String(value);
}

const isIstio = (o: Manifest, kind: string) => o.kind === kind && (o.apiVersion ?? '').startsWith('networking.istio.io/');
const nameOf = (o: Manifest) => o.metadata?.name ?? '';

// roleDeployments assigns the two Deployments: overlay mode's generated canary names its chart
// Deployment in an annotation; else by the pod template's canary label, else by a name ending in
// `-canary` (its production twin is then the one other Deployment).
function roleDeployments(deployments: Manifest[]): Partial<Record<DeploymentRole, string>> {
  const overlaid = deployments.filter((d) => typeof d.metadata?.annotations?.[CANARY_OF_ANNOTATION] === 'string');
  if (overlaid.length === 1) return { canary: nameOf(overlaid[0]!), production: String(overlaid[0]!.metadata!.annotations![CANARY_OF_ANNOTATION]) };
  const byLabel = (v: string) => deployments.filter((d) => canaryLabel(d) === v).map(nameOf);
  const labelled = { production: byLabel('false'), canary: byLabel('true') };
  const found: Partial<Record<DeploymentRole, string>> = {};
  if (labelled.canary.length === 1) found.canary = labelled.canary[0];
  if (labelled.production.length === 1) found.production = labelled.production[0];
  if (!found.canary) {
    const named = deployments.map(nameOf).filter((n) => n.endsWith('-canary'));
    if (named.length === 1) found.canary = named[0];
  }
  if (!found.production && found.canary) {
    const others = deployments.map(nameOf).filter((n) => n !== found.canary && canaryLabel(deployments.find((d) => nameOf(d) === n)!) !== 'true');
    const twin = others.find((n) => `${n}-canary` === found.canary);
    if (twin) found.production = twin;
    else if (others.length === 1) found.production = others[0];
  }
  return found;
}

// inferSubsets reads subset names from the DestinationRule: the subset selecting `canary: "true"`
// pods is the canary one, `canary: "false"` the production one.
function inferSubsets(dr: Manifest | undefined): Partial<Record<DeploymentRole, string>> {
  const subsets = (dr?.spec?.subsets ?? []) as Array<{ name?: string; labels?: Record<string, unknown> }>;
  const found: Partial<Record<DeploymentRole, string>> = {};
  for (const s of Array.isArray(subsets) ? subsets : []) {
    const v = s.labels?.canary;
    if (s.name && String(v) === 'true') found.canary = s.name;
    if (s.name && String(v) === 'false') found.production = s.name;
  }
  return found;
}

// routesTo tells whether a VirtualService sends traffic to a subset.
function routesTo(vs: Manifest, subset: string): boolean {
  const http = (vs.spec?.http ?? []) as Array<{ route?: Array<{ destination?: { subset?: string } }> }>;
  return Array.isArray(http) && http.some((r) => (r.route ?? []).some((d) => d.destination?.subset === subset));
}

// autoscaled tells whether an HPA owns the Deployment's replicas: one targets it, and the chart
// leaves spec.replicas out so that helm never resets the HPA's count.
function autoscaled(objects: Manifest[], deployment: Manifest | undefined): boolean {
  if (!deployment || deployment.spec?.replicas !== undefined) return false;
  return objects.some((o) => {
    if (o.kind !== 'HorizontalPodAutoscaler' || !(o.apiVersion ?? '').startsWith('autoscaling/')) return false;
    const target = o.spec?.scaleTargetRef as { kind?: string; name?: string } | undefined;
    return target?.kind === 'Deployment' && target.name === nameOf(deployment);
  });
}

/**
 * discoverReleaseObjects finds the release's objects in its manifest, overrides first. Throws
 * ReleaseObjectsError listing everything missing or ambiguous. A DestinationRule is optional
 * (it may be managed outside the chart); when present its subsets name the roles.
 */
export function discoverReleaseObjects(manifest: string, release: string, overrides: ReleaseObjectOverrides = {}): ReleaseObjects {
  const objects = manifestObjects(manifest);
  const deployments = objects.filter((o) => o.kind === 'Deployment' && o.apiVersion === 'apps/v1');
  const virtualServices = objects.filter((o) => isIstio(o, 'VirtualService'));
  const destinationRules = objects.filter((o) => isIstio(o, 'DestinationRule'));
  const missing: string[] = [];

  const roles = roleDeployments(deployments);
  const production = overrides.production ?? roles.production;
  const canary = overrides.canary ?? roles.canary;
  if (!production) missing.push('the production Deployment (pod template label canary: "false")');
  if (!canary) missing.push('the canary Deployment (pod template label canary: "true", or a name ending in -canary)');

  const pick = (list: Manifest[], wanted: string | undefined, prefer: (o: Manifest) => boolean): Manifest | undefined =>
    wanted !== undefined ? list.find((o) => nameOf(o) === wanted) : list.length === 1 ? list[0] : (list.find(prefer) ?? list[0]);

  const dr = pick(destinationRules, overrides.destinationRule, (o) => inferSubsets(o).canary !== undefined);
  if (overrides.destinationRule && !dr) missing.push(`the DestinationRule ${overrides.destinationRule}`);
  const subsets: Record<DeploymentRole, string> = { ...DEFAULT_SUBSETS, ...inferSubsets(dr), ...overrides.subsets };

  const vs = pick(virtualServices, overrides.virtualService, (o) => routesTo(o, subsets.canary));
  if (!vs) missing.push(overrides.virtualService ? `the VirtualService ${overrides.virtualService}` : 'a VirtualService (networking.istio.io)');

  if (missing.length > 0) throw new ReleaseObjectsError(release, missing);
  return {
    production: production!,
    canary: canary!,
    virtualService: nameOf(vs!),
    ...(dr ? { destinationRule: nameOf(dr) } : {}),
    ...(autoscaled(objects, deployments.find((d) => nameOf(d) === production)) ? { autoscaled: true } : {}),
    subsets,
  };
}
