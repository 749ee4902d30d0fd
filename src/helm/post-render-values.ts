// The post-renderer's reading of its values file: the `helmCanary` key the runner writes into the
// stage's generated values file (OVERLAY_VALUES_KEY), checked and turned into an OverlayInput.
// In the file the stage's values are flattened: `production` and `canary` sit beside `target`.
import { parse } from 'yaml';
import * as z from 'zod/mini';
import { OVERLAY_VALUES_KEY, type OverlayInput } from '../overlay/overlay-input.js';
import { formatIssues } from '../text/zod-issues.js';

/** PostRenderValuesError: the values file cannot be read or its `helmCanary` key is wrong; `hints` name each problem. */
export class PostRenderValuesError extends Error {
  override name = 'PostRenderValuesError';
  constructor(message: string, readonly hints: string[] = []) {
    super(message);
  }
}

const name = z.string().check(z.minLength(1, 'must not be empty'));
const deploymentValues = z.strictObject({
  repository: name,
  // A tag such as 84 reads from YAML as a number; it is the text "84".
  tag: z.union([name, z.pipe(z.number(), z.transform(String))]),
  replicas: z.number().check(z.int('must be a whole number'), z.minimum(0, 'must be 0 or more')),
  weight: z.number().check(z.int('must be a whole number'), z.minimum(0, 'must be 0 to 100'), z.maximum(100, 'must be 0 to 100')),
});
const overlayValues = z.strictObject({
  production: deploymentValues,
  canary: deploymentValues,
  target: z.strictObject({ deployment: z.optional(name), container: z.optional(name), service: z.optional(name) }),
  routing: z.strictObject({ hosts: z.array(name), gateways: z.array(name) }),
  adopting: z.optional(z.boolean()),
  istioApiVersion: z.optional(z.string().check(z.regex(/^[a-z0-9.-]+\/v[0-9a-z]+$/, 'must be an API version such as networking.istio.io/v1'))),
});

/** overlayInputFromValuesText reads the OverlayInput from a values file's text; `file` names it in errors. */
export function overlayInputFromValuesText(text: string, file: string): OverlayInput {
  let doc: unknown;
  try {
    doc = parse(text);
  } catch (error) {
    throw new PostRenderValuesError(`values file ${file} is not valid YAML: ${(error as Error).message.split('\n')[0]}`);
  }
  const raw = doc !== null && typeof doc === 'object' && !Array.isArray(doc) ? (doc as Record<string, unknown>)[OVERLAY_VALUES_KEY] : undefined;
  if (raw === undefined) {
    throw new PostRenderValuesError(`values file ${file} has no ${OVERLAY_VALUES_KEY} key: nothing says what the overlay should generate`, [
      `the post-renderer reads the values file helm-canary generates for the stage; pass that one`,
    ]);
  }
  const parsed = overlayValues.safeParse(raw);
  if (!parsed.success) {
    throw new PostRenderValuesError(`values file ${file}: ${OVERLAY_VALUES_KEY} is not what the overlay expects`, formatIssues(parsed.error.issues, OVERLAY_VALUES_KEY, raw));
  }
  const { production, canary, ...rest } = parsed.data;
  return { ...rest, values: { production, canary } };
}
