// Types shared by the stage engine. The engine is pure: these are plain data.
import type { OverlayRouting, OverlayTarget } from '../overlay/overlay-input.js';

/** DeploymentRole names one of the two Deployments a canary release drives. */
export type DeploymentRole = 'production' | 'canary';
export const ROLES: readonly DeploymentRole[] = ['production', 'canary'];

/** DeploymentValues is what one stage sets for one Deployment. */
export interface DeploymentValues {
  repository: string;
  tag: string;
  replicas: number;
  weight: number;
}

/** StageValues is the complete desired state of a release at one moment. */
export interface StageValues {
  production: DeploymentValues;
  canary: DeploymentValues;
}

/** ChartRef says where the chart comes from, the three ways helm can take one. */
export type ChartRef =
  | { kind: 'path'; path: string }
  | { kind: 'repo'; repoUrl: string; name: string; version?: string }
  | { kind: 'oci'; ref: string; version?: string };

/** ValuePaths maps each stage value to the dotted key the team's chart reads it from. */
export interface ValuePaths {
  production: Record<keyof DeploymentValues, string>;
  canary: Record<keyof DeploymentValues, string>;
}

/** HelmOptions are the flags every helm upgrade of the release carries. */
export interface HelmOptions {
  timeout: string;
  kubeContext?: string;
  createNamespace: boolean;
  extraArgs: string[];
}

/** ReleaseSpec is everything about one release that the stages are computed from. */
export interface ReleaseSpec {
  release: string;
  namespace: string;
  chart: ChartRef;
  valuesFiles: string[];
  repository: string;
  stableTag: string;
  newTag: string;
  replicas: number;
  valuePaths: ValuePaths;
  helm: HelmOptions;
  /**
   * overlay: the chart is the team's own one-Deployment chart and the canary is added at render
   * time by helm-canary's post-renderer (mode: overlay). Absent: the chart has both Deployments
   * and reads every stage value (mode: values). In overlay mode valuePaths point into the
   * generated values' own key, where helm keeps them with each revision.
   */
  overlay?: OverlaySpec;
}

/** OverlaySpec is overlay mode's settings. */
export interface OverlaySpec {
  /** Where the chart reads its image: the one chart value a stage sets (production's image). */
  chartImage: { repository: string; tag: string };
  /** Which of the rendered objects to canary. */
  target: OverlayTarget;
  /** What the generated VirtualService routes besides the Service's host. */
  routing: OverlayRouting;
  /** The generated Istio objects' API version. */
  istioApiVersion: string;
}

/** CanaryReplicas is a count, or a percentage of production replicas such as "50%". */
export type CanaryReplicas = number | `${number}%`;

/** PlanStep is one canary traffic step of a plan. */
export interface PlanStep {
  weight: number;
  canaryReplicas?: CanaryReplicas;
}

/** Plan is the data that shapes a rollout: the canary weight steps and their options. */
export interface Plan {
  name: string;
  description?: string;
  steps: PlanStep[];
  /** When true (the default) a plan whose last step is not 100 is rejected. */
  finalStepMustBe100: boolean;
  /** Seconds to let Envoy stop routing to pods before they are removed. */
  drainSeconds: number;
}

/** StageKind says what role a stage plays in the rollout. */
export type StageKind = 'stable' | 'canary' | 'production-update' | 'traffic-back' | 'new-stable';

/** Apply is one helm upgrade: the values it sets and why it is a separate step. */
export interface Apply {
  values: StageValues;
  /** A short phrase for people: "canary pods up at weight 0", "shift traffic 90/10". */
  purpose: string;
  /**
   * drainBefore is set when this apply removes pods that received traffic recently: the runner
   * waits until drainSeconds have passed since the last weight change before applying it.
   */
  drainBefore: boolean;
}

/** Stage is one step a person judges, reached by one or more applies from the stage before it. */
export interface Stage {
  number: number;
  name: string;
  kind: StageKind;
  values: StageValues;
  /** The applies that reach this stage from the previous one (stage 1: from anywhere stable). */
  applies: Apply[];
  /**
   * The Deployments that count as recently routed once a promote has reached this stage (their
   * pods need a drain before removal): what the runner records, and what the next stage's
   * applies and a rollback from here are computed with.
   */
  recentlyRouted: DeploymentRole[];
}
