// Which helm we are talking to, and whether it is new enough. Helm 3 and 4 are both in use;
// 3.8 is the floor because it made OCI charts generally available (no HELM_EXPERIMENTAL_OCI
// switch), and a config may name its chart by an OCI reference.

/** HelmVersion is a parsed `helm version`. */
export interface HelmVersion {
  major: number;
  minor: number;
  patch: number;
  /** raw is what helm printed, e.g. "v3.17.2+gcc0bbbd". */
  raw: string;
}

/** MIN_HELM_VERSION is the oldest helm the tool supports. */
export const MIN_HELM_VERSION = { major: 3, minor: 8, patch: 0 } as const;

/** parseHelmVersion reads `helm version --short` ("v3.17.2+gcc0bbbd") or `--template {{.Version}}` ("v4.1.4"). */
export function parseHelmVersion(output: string): HelmVersion | undefined {
  const raw = output.trim();
  const match = /^v?(\d+)\.(\d+)\.(\d+)/.exec(raw);
  if (!match) return undefined;
  return { major: Number(match[1]), minor: Number(match[2]), patch: Number(match[3]), raw };
}

/** HelmVersionCheck says whether a helm version is supported, and if not, why. */
export type HelmVersionCheck = { ok: true } | { ok: false; reason: string };

/** checkHelmVersion compares a helm version with MIN_HELM_VERSION (or the minimum given). */
export function checkHelmVersion(
  version: HelmVersion,
  minimum: { major: number; minor: number; patch: number } = MIN_HELM_VERSION,
): HelmVersionCheck {
  const order = (v: { major: number; minor: number; patch: number }) => [v.major, v.minor, v.patch];
  const [have, want] = [order(version), order(minimum)];
  for (let i = 0; i < 3; i++) {
    if (have[i]! > want[i]!) return { ok: true };
    if (have[i]! < want[i]!) {
      const min = `${minimum.major}.${minimum.minor}.${minimum.patch}`;
      return {
        ok: false,
        reason: `helm ${version.raw} is too old: helm-canary needs helm ${min} or newer (helm 3 or 4)`,
      };
    }
  }
  return { ok: true };
}
