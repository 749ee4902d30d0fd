// The stage engine: pure functions from a release and a plan to stages, applies and moves.
export * from './types.js';
export * from './plan-rules.js';
export * from './transition.js';
export * from './stages.js';
export * from './rollback.js';
export * from './identify.js';
export * from './moves.js';
export * from './chart-values.js';
export * from './helm-args.js';
export * from './rollout.js';
export * from './steps.js';
export * from './next-moves.js';
export * from './revision-description.js';
