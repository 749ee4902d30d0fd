// What the overlay post-renderer is given besides the manifest: the stage's values and which of
// the chart's objects to canary. Written by the runner into the stage's generated values file under
// OVERLAY_VALUES_KEY, so helm keeps it with every revision, and read back by the post-renderer.
import type { StageValues } from '../engine/types.js';

/** OVERLAY_VALUES_KEY is the top-level values key the overlay's settings and stage values live under. */
export const OVERLAY_VALUES_KEY = 'helmCanary';

/** GENERATED_ANNOTATION marks every object the overlay adds (value "true"). */
export const GENERATED_ANNOTATION = 'helm-canary.io/generated';
/** CANARY_OF_ANNOTATION on the generated canary Deployment names the chart's Deployment it copies. */
export const CANARY_OF_ANNOTATION = 'helm-canary.io/canary-of';
/** TRACK_LABEL is on the canary's pods only (value "canary"); the canary subset selects it. */
export const TRACK_LABEL = 'helm-canary.io/track';

/** OverlayTarget names the chart's objects to canary; each may be left out when the chart renders only one. */
export interface OverlayTarget {
  /** The chart's Deployment (metadata.name as rendered). */
  deployment?: string;
  /** The container whose image is the release's image. */
  container?: string;
  /** The Service in front of the Deployment's pods. */
  service?: string;
}

/** OverlayRouting is what the generated VirtualService routes besides the Service's own host. */
export interface OverlayRouting {
  /** Extra hosts (external names served through a Gateway). */
  hosts: string[];
  /** Istio Gateways ("namespace/name" or "name") the VirtualService binds to; "mesh" is added when any is given. */
  gateways: string[];
}

/** OverlayInput is everything the transform needs besides the rendered manifest. */
export interface OverlayInput {
  target: OverlayTarget;
  routing: OverlayRouting;
  /** The stage's values: production and canary image, replicas and weight. */
  values: StageValues;
  /**
   * adopting: the first apply over a release that has no overlay yet (and detach's first). The
   * DestinationRule is created, the VirtualService sends everything to the Service without a
   * subset, and the Service keeps the chart's own selector, so no proxy routes to a subset before
   * it has the rule that defines it (make-before-break) and the whole Service is production's.
   */
  adopting?: boolean;
  /** The Istio API version of the generated objects. Default networking.istio.io/v1. */
  istioApiVersion?: string;
}
