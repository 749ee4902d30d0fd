// The overlay's public surface: the transform, its description for `lint`/`plan`, and its error.
export { overlayManifest } from './transform.js';
export { describeOverlay, type OverlayDescription } from './describe.js';
export { OverlayError } from './overlay-error.js';
export * from './overlay-input.js';
