// The shape of canary.yaml and of plan files, as zod schemas. Rules that need more than one
// field (weights increasing, last step 100) live in the engine's checkPlan, not here.
// zod/mini, not zod's classic API: the same checks, but the bundle keeps only what is used, which
// takes ~25 ms off every start (plan, lint and the cluster commands all validate a config).
import * as z from 'zod/mini';
import { PERCENT } from '../engine/plan-rules.js';

// DNS-1123 label / subdomain rules as Kubernetes applies them; helm adds a 53-character limit
// on release names because it derives other names from them.
const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const RELEASE_NAME = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
// An OCI image tag (distribution spec): up to 128 word characters, dots and dashes, not leading with . or -.
export const IMAGE_TAG = /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$/;
// An image repository: registry host[:port]/path components of lower-case alphanumerics and separators.
const IMAGE_REPOSITORY = /^([a-zA-Z0-9.-]+(:[0-9]+)?\/)?[a-z0-9]+([._-][a-z0-9]+|__[a-z0-9]+)*(\/[a-z0-9]+([._-][a-z0-9]+|__[a-z0-9]+)*)*$/;

/** releaseName validates a helm release name. */
export const releaseName = z.string().check(
  z.maxLength(53, 'must be at most 53 characters (helm limit)'),
  z.regex(RELEASE_NAME, 'must be a valid Kubernetes name: lower-case letters, digits, "-" and ".", starting and ending alphanumeric'),
);
/** namespaceName validates a Kubernetes namespace name. */
export const namespaceName = z.string().check(
  z.maxLength(63, 'must be at most 63 characters'),
  z.regex(DNS_LABEL, 'must be a valid namespace name: lower-case letters, digits and "-", starting and ending alphanumeric'),
);
/** imageTag validates an image tag; numbers are accepted and read as strings (tag: 84). */
export const imageTag = z.pipe(
  z.union([z.string(), z.pipe(z.number(), z.transform(String))]),
  z.string().check(z.regex(IMAGE_TAG, 'must be a valid image tag: up to 128 letters, digits, "_", "." and "-", not starting with "." or "-"')),
);
/** imageRepository validates an image repository such as myacr.azurecr.io/bookinfo/productpage. */
export const imageRepository = z.string().check(z.regex(IMAGE_REPOSITORY, 'must be an image repository such as registry.example.com/team/app (no tag)'));

const percent = z.string().check(z.regex(PERCENT, 'must be a percentage such as "50%"'));
const nonEmpty = () => z.string().check(z.minLength(1));

/** planStep is a weight, or a weight with its own canary size. */
export const planStep = z.union([
  z.number(),
  z.strictObject({ weight: z.number(), canaryReplicas: z.optional(z.union([z.number(), percent])) }),
]);

/** planFile is a plan file in stages/ (or an inline plan in canary.yaml). */
export const planFile = z.strictObject({
  name: z.optional(nonEmpty()),
  description: z.optional(z.string()),
  steps: z.array(planStep),
  finalStepMustBe100: z.optional(z.boolean()),
  drainSeconds: z.optional(z.number()),
});
export type PlanFile = z.infer<typeof planFile>;

const deploymentPaths = z.partial(z.strictObject({ repository: nonEmpty(), tag: nonEmpty(), replicas: nonEmpty(), weight: nonEmpty() }));

/** chartSource: a local path or OCI reference as a string, or a chart in a helm repository. */
export const chartSource = z.union([
  nonEmpty(),
  z.strictObject({ repo: z.url('must be a URL'), name: nonEmpty(), version: z.optional(z.string()) }),
  z.strictObject({ oci: z.string().check(z.startsWith('oci://', 'must start with oci://')), version: z.optional(z.string()) }),
]);

/** valuePathsSettings is canary.yaml's valuePaths: where the chart reads each value. */
export const valuePathsSettings = z.optional(z.strictObject({ production: z.optional(deploymentPaths), canary: z.optional(deploymentPaths) }));

/** helmSettings is canary.yaml's helm map. */
export const helmSettings = z.prefault(
  z.strictObject({
    binary: z.optional(nonEmpty()),
    timeout: z._default(z.string().check(z.regex(/^(\d+(\.\d+)?(ns|us|µs|ms|s|m|h))+$/, 'must be a duration such as 300s or 5m')), '5m'),
    kubeContext: z.optional(nonEmpty()),
    kubeconfig: z.optional(nonEmpty()),
    createNamespace: z._default(z.boolean(), false),
    extraArgs: z._default(z.array(z.string()), []),
  }),
  {},
);

/**
 * releaseTarget is the part of canary.yaml that names a deployed release and how to reach it:
 * all `status` of one release needs. Other fields are not checked.
 */
export const releaseTarget = z.object({
  release: releaseName,
  namespace: z.optional(namespaceName),
  valuePaths: valuePathsSettings,
  helm: helmSettings,
});

/** configFile is canary.yaml. Every field can also be given as a flag; flags win. */
export const configFile = z.strictObject({
  release: releaseName,
  namespace: z._default(namespaceName, 'default'),
  chart: chartSource,
  valuesFiles: z._default(z.array(nonEmpty()), []),
  image: z.strictObject({ repository: imageRepository, stableTag: z.optional(imageTag) }),
  replicas: z.int().check(z.minimum(1, 'must be at least 1')),
  plan: z._default(z.union([nonEmpty(), planFile]), 'seven-stage'),
  valuePaths: valuePathsSettings,
  helm: helmSettings,
  drainSeconds: z.optional(z.number().check(z.minimum(0, 'must be 0 or more'))),
});
export type ConfigFile = z.infer<typeof configFile>;
