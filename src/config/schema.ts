// The shape of canary.yaml and of plan files, as zod schemas. Rules that need more than one
// field (weights increasing, last step 100) live in the engine's checkPlan, not here.
// zod/mini, not zod's classic API: the same checks, but the bundle keeps only what is used, which
// takes ~25 ms off every start (plan, lint and the cluster commands all validate a config).
//
// The editor schema (schema/canary.schema.json, json-schema.ts) is generated from these
// definitions: each field's description, default and bounds are written here, beside the check.
// `z.meta({...})` adds JSON Schema keywords only, with no effect on parsing; it is used where the
// CLI enforces a rule later, with its own message (checkPlan's weight and canaryReplicas rules,
// or a default filled in by the loader), so the editor knows the rule the CLI applies.
// test/config/editor-schema-agreement.test.ts checks that the two agree.
import * as z from 'zod/mini';
import { DEFAULT_VALUE_PATHS } from '../engine/chart-values.js';
import { PERCENT } from '../engine/plan-rules.js';

// DNS-1123 label / subdomain rules as Kubernetes applies them; helm adds a 53-character limit
// on release names because it derives other names from them.
const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const RELEASE_NAME = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
// An OCI image tag (distribution spec): up to 128 word characters, dots and dashes, not leading with . or -.
export const IMAGE_TAG = /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$/;
// An image repository: registry host[:port]/path components of lower-case alphanumerics and separators.
const IMAGE_REPOSITORY = /^([a-zA-Z0-9.-]+(:[0-9]+)?\/)?[a-z0-9]+([._-][a-z0-9]+|__[a-z0-9]+)*(\/[a-z0-9]+([._-][a-z0-9]+|__[a-z0-9]+)*)*$/;
// An OCI chart reference. A pattern, not z.startsWith: that one becomes `format: "starts_with"`
// in the JSON Schema, a format no validator knows.
const OCI_REFERENCE = /^oci:\/\//;
// PERCENT (what the schema parses) narrowed to what checkPlan accepts: more than 0 and at most
// 100. For the editor only; checkPlan says why a percentage is refused. Digits past 100.0…0
// ("100.0000000000000001%", which JavaScript reads as 100) are refused by this pattern only.
const PERCENT_OF_REPLICAS = '^0*(?:100(?:\\.0+)?|[1-9]\\d?(?:\\.\\d+)?|0\\.\\d*[1-9]\\d*)%$';
// A plan string that is a path (load-plan.ts: a "/" or a .yaml/.yml ending); any other string
// must name a built-in plan, which json-schema.ts lists from stages/.
export const PLAN_PATH = '/|\\.ya?ml$';
// What every string zod's z.url() accepts starts with: a scheme, after any space it trims. Not
// `format: "uri"`: RFC 3986's grammar refuses URLs the WHATWG parser behind z.url() takes
// (https://ünicode.example, a space or "{" in the path), and the editor must not flag those.
const URL_SCHEME = '^[\\s\\u0000-\\u0020]*[A-Za-z][A-Za-z0-9+.-]*:';
// load-plan.ts's DEFAULT_DRAIN_SECONDS, which this module cannot import (load-plan imports it);
// test/config/editor-schema.test.ts checks the schema's defaults against what the loader fills in.
const DRAIN_SECONDS_DEFAULT = 10;

/** releaseName validates a helm release name. */
export const releaseName = z.string().check(
  z.maxLength(53, 'must be at most 53 characters (helm limit)'),
  z.regex(RELEASE_NAME, 'must be a valid Kubernetes name: lower-case letters, digits, "-" and ".", starting and ending alphanumeric'),
  z.describe('The helm release to roll out (helm limits release names to 53 characters). Flag: --release.'),
);
/** namespaceName validates a Kubernetes namespace name. */
export const namespaceName = z.string().check(
  z.maxLength(63, 'must be at most 63 characters'),
  z.regex(DNS_LABEL, 'must be a valid namespace name: lower-case letters, digits and "-", starting and ending alphanumeric'),
);
/** imageTag validates an image tag; numbers are accepted and read as strings (tag: 84). */
export const imageTag = z.pipe(
  z.union([
    z.string().check(z.regex(IMAGE_TAG, 'must be a valid image tag: up to 128 letters, digits, "_", "." and "-", not starting with "." or "-"')),
    // A number is read as its decimal text: 0 or more and below 1e21, JavaScript writes no sign or "+".
    z.pipe(z.number(), z.transform(String)).check(z.meta({ minimum: 0, exclusiveMaximum: 1e21 })),
  ]),
  z.string().check(z.regex(IMAGE_TAG, 'must be a valid image tag: up to 128 letters, digits, "_", "." and "-", not starting with "." or "-"')),
);
/** imageRepository validates an image repository such as myacr.azurecr.io/bookinfo/productpage. */
export const imageRepository = z.string().check(z.regex(IMAGE_REPOSITORY, 'must be an image repository such as registry.example.com/team/app (no tag)'));

const percent = z.string().check(z.regex(PERCENT, 'must be a percentage such as "50%"'));
const nonEmpty = () => z.string().check(z.minLength(1));

// A canary weight: checkPlan refuses anything but a whole number from 1 to 100.
const weight = () =>
  z.number().check(
    z.meta({
      type: 'integer',
      minimum: 1,
      maximum: 100,
      description: 'Percent of traffic the canary receives at this step: a whole number from 1 to 100, greater than the step before it.',
    }),
  );

/** planStep is a weight, or a weight with its own canary size. */
export const planStep = z.union([
  weight(),
  z.strictObject({
    weight: weight(),
    canaryReplicas: z.optional(
      z.union([
        z.number().check(z.meta({ type: 'integer', minimum: 1, description: 'Canary pods at this step: a whole number, 1 or more.' })),
        percent.check(z.meta({ pattern: PERCENT_OF_REPLICAS, description: 'Canary pods at this step as a share of production replicas, rounded up, at least one pod: more than 0 % and at most 100 %, e.g. "50%".' })),
      ]).check(
        z.describe('Canary pods at this step: a count, or a percentage of `replicas` such as "50%". Default: as many as production. Never fewer than the step before while the canary has traffic (the CLI checks this).'),
      ),
    ),
  }).check(z.describe('A step with its own canary size.')),
]);

// finalStepMustBe100 (default true) as JSON Schema: the steps contain 100. With weights strictly
// increasing up to 100 (which the CLI checks) that is the last step.
const LAST_STEP_100 = {
  if: { properties: { finalStepMustBe100: { const: false } }, required: ['finalStepMustBe100'] },
  else: {
    properties: {
      steps: { type: 'array', contains: { anyOf: [{ const: 100 }, { type: 'object', properties: { weight: { const: 100 } }, required: ['weight'] }] } },
    },
  },
};

/** planFile is a plan file in stages/ (or an inline plan in canary.yaml). */
export const planFile = z.strictObject({
  name: z.optional(nonEmpty().check(z.describe('The plan\'s name, shown by `plan` and `status`. Default: the name or path it was given by, or "custom" inline.'))),
  description: z.optional(z.string().check(z.describe('What the plan is for, in a sentence.'))),
  steps: z.array(planStep).check(
    z.meta({
      minItems: 1,
      maxItems: 100,
      uniqueItems: true,
      description:
        'Canary weight steps, one stage each; the CLI adds the stable stage before them and production updated, traffic back and new stable after them. Each weight is greater than the one before it, and the last is 100 unless finalStepMustBe100 is false (the CLI checks the order; an editor sees only bounds and duplicates).',
    }),
  ),
  finalStepMustBe100: z.optional(z.boolean().check(z.meta({ default: true, description: 'Whether the last step must be 100 (the canary takes all traffic before production is updated). false lets production be updated by a rolling update while it still has traffic.' }))),
  drainSeconds: z.optional(
    z.number().check(
      z.minimum(0, 'must be 0 or more'),
      z.meta({ default: DRAIN_SECONDS_DEFAULT, description: 'Seconds to wait after taking traffic away from pods before removing them, so every Envoy proxy has stopped routing to them. Default 10; canary.yaml\'s drainSeconds wins.' }),
    ),
  ),
}).check(z.meta({ ...LAST_STEP_100, description: 'A plan written inline: canary weight steps, each with an optional canary size.' }));
export type PlanFile = z.infer<typeof planFile>;

/** planName is a plan given by name (a file in stages/) or by path; json-schema.ts lists the names. */
export const planName = nonEmpty().check(z.describe('A built-in plan by name, or a path to a plan file (relative to this file).'));

const valuePath = (role: 'production' | 'canary', field: keyof (typeof DEFAULT_VALUE_PATHS)['production'], what: string) =>
  nonEmpty().check(z.meta({ default: DEFAULT_VALUE_PATHS[role][field], description: `Dotted path of the value your chart reads for the ${role} Deployment's ${what}.` }));
const deploymentPaths = (role: 'production' | 'canary') =>
  z.partial(
    z.strictObject({
      repository: valuePath(role, 'repository', 'image repository'),
      tag: valuePath(role, 'tag', 'image tag'),
      replicas: valuePath(role, 'replicas', 'replica count'),
      weight: valuePath(role, 'weight', 'traffic weight (0-100)'),
    }),
  ).check(z.meta({ default: DEFAULT_VALUE_PATHS[role], description: `Where the chart reads the ${role} Deployment's values; keys left out keep their default.` }));

/** chartSource: a local path or OCI reference as a string, or a chart in a helm repository. */
export const chartSource = z.union([
  nonEmpty().check(z.describe('A chart directory or packaged chart (relative to this file; the CLI checks it exists), or an OCI reference oci://registry/path/chart.')),
  z.strictObject({
    repo: z.url('must be a URL').check(z.meta({ format: undefined, pattern: URL_SCHEME, description: 'URL of the helm chart repository (helm --repo), such as https://charts.example.com.' })),
    name: nonEmpty().check(z.describe('Chart name in that repository.')),
    version: z.optional(z.string().check(z.describe('Chart version or range (helm --version). Default: the latest.'))),
  }).check(z.describe('A chart in a helm repository.')),
  z.strictObject({
    oci: z.string().check(z.regex(OCI_REFERENCE, 'must start with oci://'), z.describe('OCI reference of the chart: oci://registry/path/chart.')),
    version: z.optional(z.string().check(z.describe('Chart version (helm --version). Default: the latest.'))),
  }).check(z.describe('A chart in an OCI registry.')),
]);

/** valuePathsSettings is canary.yaml's valuePaths: where the chart reads each value. */
export const valuePathsSettings = z.optional(
  z.strictObject({ production: z.optional(deploymentPaths('production')), canary: z.optional(deploymentPaths('canary')) }).check(
    z.meta({
      default: DEFAULT_VALUE_PATHS,
      description: 'Where your chart reads each value helm-canary writes, as dotted paths. Every path must be different, and none inside another (a.b and a.b.c cannot both be values; the CLI checks this).',
    }),
  ),
);

// A DNS-1123 subdomain, as Kubernetes names Deployments and Services.
const OBJECT_NAME = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const objectName = (what: string) =>
  z.string().check(z.maxLength(253, 'must be at most 253 characters'), z.regex(OBJECT_NAME, 'must be a Kubernetes object name: lower-case letters, digits, "-" and "."'), z.describe(what));

/** modeSetting is how the canary gets into the release: the chart's own values, or helm-canary's post-renderer. */
export const modeSetting = z._default(z.enum(['values', 'overlay']), 'values').check(
  z.describe(
    'values: the chart has the production and canary Deployments, DestinationRule and VirtualService and reads every stage value (see valuePaths). overlay: the chart is your own one-Deployment chart, unmodified; helm-canary adds the canary Deployment, DestinationRule and VirtualService when helm renders it (a post-renderer), and the chart reads only its image (valuePaths.production.repository/tag, default image.repository/image.tag).',
  ),
);

/** overlaySettings is canary.yaml's overlay map (mode: overlay). */
export const overlaySettings = z.optional(
  z.strictObject({
    deployment: z.optional(objectName('The chart\'s Deployment to canary, by its rendered name. Default: the only Deployment the chart renders.')),
    container: z.optional(z.string().check(z.regex(DNS_LABEL, 'must be a container name'), z.describe('The container whose image is the release\'s image. Default: the Deployment\'s only container.'))),
    service: z.optional(objectName('The Service in front of the Deployment\'s pods. Default: the only Service selecting them.')),
    hosts: z._default(z.array(nonEmpty().check(z.describe('A host name, such as app.example.com.'))), []).check(
      z.describe('Extra hosts of the generated VirtualService besides the Service\'s own (external names served through a Gateway).'),
    ),
    gateways: z._default(z.array(nonEmpty().check(z.describe('An Istio Gateway: name, or namespace/name.'))), []).check(
      z.describe('Istio Gateways the generated VirtualService binds to; "mesh" is added so in-mesh traffic keeps the route.'),
    ),
    istioApiVersion: z._default(z.enum(['networking.istio.io/v1', 'networking.istio.io/v1beta1']), 'networking.istio.io/v1').check(
      z.describe('API version of the generated DestinationRule and VirtualService: v1 from Istio 1.22, v1beta1 before.'),
    ),
  }).check(z.describe('mode: overlay only: which of the chart\'s objects to canary, and what the generated VirtualService routes.')),
);

/** helmSettings is canary.yaml's helm map. */
export const helmSettings = z.prefault(
  z.strictObject({
    binary: z.optional(nonEmpty().check(z.meta({ default: 'helm', description: 'The helm binary to run (helm 3.8+ or helm 4). --helm and HELM_BIN win. Default: helm on PATH.' }))),
    timeout: z._default(z.string().check(z.regex(/^(\d+(\.\d+)?(ns|us|µs|ms|s|m|h))+$/, 'must be a duration such as 300s or 5m')), '5m').check(
      z.describe('helm --timeout of each apply: a Go duration such as 300s, 5m or 1h30m. Flag: --timeout.'),
    ),
    kubeContext: z.optional(nonEmpty().check(z.describe('The kubeconfig context to act on. --context / --kube-context (helm\'s own as a plugin) win. Default: the kubeconfig\'s current context.'))),
    kubeconfig: z.optional(nonEmpty().check(z.describe('Kubeconfig file (relative to this file). --kubeconfig wins. Default: $KUBECONFIG, else ~/.kube/config.'))),
    createNamespace: z._default(z.boolean(), false).check(z.describe('Whether deploy creates a missing namespace first (deploy --create-namespace). Otherwise a missing namespace stops the command.')),
    extraArgs: z._default(z.array(z.string().check(z.describe('One helm argument, such as --atomic.'))), []).check(z.describe('Arguments added to every helm upgrade, after helm-canary\'s own.')),
  }),
  {},
).check(z.describe('How helm is run.'));

/**
 * releaseTarget is the part of canary.yaml that names a deployed release and how to reach it:
 * all `status` of one release needs. Other fields are not checked.
 */
export const releaseTarget = z.object({
  release: releaseName,
  namespace: z.optional(namespaceName),
  mode: modeSetting,
  valuePaths: valuePathsSettings,
  helm: helmSettings,
});

/** configFile is canary.yaml. Every field can also be given as a flag; flags win. */
export const configFile = z.strictObject({
  release: releaseName,
  // No `default` in the editor schema: a namespace left out is the kubeconfig context's, which
  // writing "default" would change (the parsed value "default" only serves plan and lint).
  namespace: z._default(namespaceName, 'default').check(
    z.meta({ default: undefined, description: 'Kubernetes namespace of the release. --namespace wins. Default: the kubeconfig context\'s namespace, else "default".' }),
  ),
  chart: chartSource.check(z.describe('The chart to install: a local path, an OCI reference, or a chart in a helm repository. Flag: --chart.')),
  valuesFiles: z._default(z.array(nonEmpty().check(z.describe('A values file.'))), []).check(
    z.describe('Values files passed to helm before helm-canary\'s own (relative to this file); each must exist and be a YAML map. Flag: --values.'),
  ),
  image: z.strictObject({
    repository: imageRepository.check(z.describe('Image repository without a tag, e.g. myacr.azurecr.io/bookinfo/productpage. Flag: --repository.')),
    stableTag: z.optional(imageTag.check(z.describe('The stable tag that `plan` and `lint` show when --stable-tag is not given; cluster commands read it from the release. Quote it: YAML reads 1.10 as the number 1.1.'))),
  }).check(z.describe('The image the chart runs; the tag comes from the command (--tag, --new-tag).')),
  replicas: z.int().check(z.minimum(1, 'must be at least 1'), z.describe('Production replicas (pods). Flag: --replicas.')),
  plan: z._default(z.union([planName, planFile]), 'seven-stage').check(
    z.describe('The rollout plan: a built-in plan by name, a path to a plan file, or a plan written inline. Flags: --plan, --steps 10,90,100.'),
  ),
  mode: modeSetting,
  overlay: overlaySettings,
  valuePaths: valuePathsSettings,
  helm: helmSettings,
  drainSeconds: z.optional(
    z.number().check(
      z.minimum(0, 'must be 0 or more'),
      z.meta({ default: DRAIN_SECONDS_DEFAULT, description: 'Seconds to wait after taking traffic away from pods before removing them, so every Envoy proxy has stopped routing to them. Default: the plan\'s drainSeconds, else 10. Flag: --drain-seconds.' }),
    ),
  ),
});
export type ConfigFile = z.infer<typeof configFile>;
