// The helm adapter: the HelmRunner port, its execa implementation, HelmError, its typed refusals,
// version checks, and the runner's HelmReleases port over both (HelmReleasesAdapter).
export * from './helm-runner.js';
export * from './execa-helm-runner.js';
export * from './helm-error.js';
export * from './helm-error-kind.js';
export * from './helm-refusals.js';
export * from './helm-version.js';
export * from './template-args.js';
export * from './helm-releases.js';
export * from './release-storage.js';
