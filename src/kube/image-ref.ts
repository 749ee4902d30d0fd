// Splits a container image reference into the repository and tag the chart's values carry, so
// what the cluster runs can be compared with what a stage asked for. Pure string handling.

/** ImageRef is an image reference split into repository, tag and digest. */
export interface ImageRef {
  repository: string;
  /** The tag; "latest" when the reference has neither tag nor digest; the digest when it has only a digest. */
  tag: string;
  digest?: string;
}

/**
 * parseImage splits `[registry[:port]/]path[:tag][@digest]`. The tag is the part after the last
 * colon of the last path segment, so a registry port (`reg:5000/app:1.2`) is never taken for a
 * tag. A digest-only reference (`app@sha256:...`) reports the digest as its tag: it still
 * differs from any tag a stage asks for, and the message shows what actually runs.
 */
export function parseImage(image: string): ImageRef {
  let rest = image.trim();
  let digest: string | undefined;
  const at = rest.indexOf('@');
  if (at >= 0) {
    digest = rest.slice(at + 1);
    rest = rest.slice(0, at);
  }
  const slash = rest.lastIndexOf('/');
  const colon = rest.lastIndexOf(':');
  if (colon > slash) {
    return { repository: rest.slice(0, colon), tag: rest.slice(colon + 1), ...(digest ? { digest } : {}) };
  }
  return { repository: rest, tag: digest ?? 'latest', ...(digest ? { digest } : {}) };
}
