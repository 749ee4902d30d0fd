// The shape of canary.yaml and of plan files, as zod schemas. Rules that need more than one
// field (weights increasing, last step 100) live in the engine's checkPlan, not here.
import { z } from 'zod';

// DNS-1123 label / subdomain rules as Kubernetes applies them; helm adds a 53-character limit
// on release names because it derives other names from them.
const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const RELEASE_NAME = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
// An OCI image tag (distribution spec): up to 128 word characters, dots and dashes, not leading with . or -.
export const IMAGE_TAG = /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$/;
// An image repository: registry host[:port]/path components of lower-case alphanumerics and separators.
const IMAGE_REPOSITORY = /^([a-zA-Z0-9.-]+(:[0-9]+)?\/)?[a-z0-9]+([._-][a-z0-9]+|__[a-z0-9]+)*(\/[a-z0-9]+([._-][a-z0-9]+|__[a-z0-9]+)*)*$/;

/** releaseName validates a helm release name. */
export const releaseName = z
  .string()
  .max(53, 'must be at most 53 characters (helm limit)')
  .regex(RELEASE_NAME, 'must be a valid Kubernetes name: lower-case letters, digits, "-" and ".", starting and ending alphanumeric');
/** namespaceName validates a Kubernetes namespace name. */
export const namespaceName = z
  .string()
  .max(63, 'must be at most 63 characters')
  .regex(DNS_LABEL, 'must be a valid namespace name: lower-case letters, digits and "-", starting and ending alphanumeric');
/** imageTag validates an image tag; numbers are accepted and read as strings (tag: 84). */
export const imageTag = z
  .union([z.string(), z.number().transform(String)])
  .pipe(z.string().regex(IMAGE_TAG, 'must be a valid image tag: up to 128 letters, digits, "_", "." and "-", not starting with "." or "-"'));
/** imageRepository validates an image repository such as myacr.azurecr.io/bookinfo/productpage. */
export const imageRepository = z.string().regex(IMAGE_REPOSITORY, 'must be an image repository such as registry.example.com/team/app (no tag)');

const percent = z.string().regex(/^\d+(\.\d+)?%$/, 'must be a percentage such as "50%"');

/** planStep is a weight, or a weight with its own canary size. */
export const planStep = z.union([
  z.number(),
  z.object({ weight: z.number(), canaryReplicas: z.union([z.number(), percent]).optional() }).strict(),
]);

/** planFile is a plan file in stages/ (or an inline plan in canary.yaml). */
export const planFile = z
  .object({
    name: z.string().min(1).optional(),
    description: z.string().optional(),
    steps: z.array(planStep),
    finalStepMustBe100: z.boolean().optional(),
    drainSeconds: z.number().optional(),
  })
  .strict();
export type PlanFile = z.infer<typeof planFile>;

const deploymentPaths = z
  .object({ repository: z.string().min(1), tag: z.string().min(1), replicas: z.string().min(1), weight: z.string().min(1) })
  .partial()
  .strict();

/** chartSource: a local path or OCI reference as a string, or a chart in a helm repository. */
export const chartSource = z.union([
  z.string().min(1),
  z.object({ repo: z.string().url('must be a URL'), name: z.string().min(1), version: z.string().optional() }).strict(),
  z.object({ oci: z.string().startsWith('oci://', 'must start with oci://'), version: z.string().optional() }).strict(),
]);

/** configFile is canary.yaml. Every field can also be given as a flag; flags win. */
export const configFile = z
  .object({
    release: releaseName,
    namespace: namespaceName.default('default'),
    chart: chartSource,
    valuesFiles: z.array(z.string().min(1)).default([]),
    image: z.object({ repository: imageRepository, stableTag: imageTag.optional() }).strict(),
    replicas: z.number().int().min(1, 'must be at least 1'),
    plan: z.union([z.string().min(1), planFile]).default('seven-stage'),
    valuePaths: z.object({ production: deploymentPaths.optional(), canary: deploymentPaths.optional() }).strict().optional(),
    helm: z
      .object({
        binary: z.string().min(1).optional(),
        timeout: z.string().regex(/^(\d+(\.\d+)?(ns|us|µs|ms|s|m|h))+$/, 'must be a duration such as 300s or 5m').default('5m'),
        kubeContext: z.string().min(1).optional(),
        kubeconfig: z.string().min(1).optional(),
        createNamespace: z.boolean().default(false),
        extraArgs: z.array(z.string()).default([]),
      })
      .strict()
      .prefault({}),
    drainSeconds: z.number().min(0, 'must be 0 or more').optional(),
  })
  .strict();
export type ConfigFile = z.infer<typeof configFile>;
