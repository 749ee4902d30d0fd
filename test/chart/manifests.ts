// Test support: reading what `helm template` rendered.
import { parseAllDocuments } from 'yaml';

/** Manifest is one rendered Kubernetes object, loosely typed. */
export type Manifest = { apiVersion: string; kind: string; metadata: { name: string; namespace?: string; labels?: Record<string, string> }; spec?: any };

/** parseManifests splits helm's multi-document output into objects, skipping empty documents. */
export function parseManifests(text: string): Manifest[] {
  const docs = parseAllDocuments(text);
  for (const doc of docs) if (doc.errors.length) throw doc.errors[0];
  return docs.map((doc) => doc.toJS() as Manifest | null).filter((m): m is Manifest => m !== null);
}

/** findManifest returns the single object of a kind (and name, when given), failing loudly otherwise. */
export function findManifest(manifests: Manifest[], kind: string, name?: string): Manifest {
  const found = manifests.filter((m) => m.kind === kind && (name === undefined || m.metadata.name === name));
  if (found.length !== 1) {
    throw new Error(`expected one ${kind}${name ? ` ${name}` : ''}, found ${found.length}: ${manifests.map((m) => `${m.kind}/${m.metadata.name}`).join(', ')}`);
  }
  return found[0]!;
}

/** virtualServiceWeights reads the production and canary weights of the VirtualService's route. */
export function virtualServiceWeights(vs: Manifest): { production: number; canary: number } {
  const route: { destination: { subset: string }; weight: number }[] = vs.spec.http[0].route;
  const weightOf = (subset: string) => {
    const r = route.filter((d) => d.destination.subset === subset);
    if (r.length !== 1) throw new Error(`expected one route to subset ${subset}, found ${r.length}`);
    return r[0]!.weight;
  };
  return { production: weightOf('production'), canary: weightOf('canary') };
}
