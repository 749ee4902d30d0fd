// The overlay's one error: the chart's rendered objects cannot be canaried as they are. It is
// thrown before anything is written, so helm applies nothing; the hints say what to change.

/** OverlayError says why the overlay cannot canary this manifest; `hints` say what to do about it. */
export class OverlayError extends Error {
  override name = 'OverlayError';
  constructor(
    message: string,
    readonly hints: string[] = [],
  ) {
    super(message);
  }
}
