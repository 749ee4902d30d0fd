// The helm adapter: the HelmRunner port, its execa implementation, HelmError and version checks.
export * from './helm-runner.js';
export * from './execa-helm-runner.js';
export * from './helm-error.js';
export * from './helm-error-kind.js';
export * from './helm-version.js';
export * from './template-args.js';
