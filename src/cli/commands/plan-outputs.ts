// The formats of `helm-canary plan --output`, for the registration (its choices) and the renderer.

/** PLAN_OUTPUTS lists the formats of `helm-canary plan --output`. */
export const PLAN_OUTPUTS = ['table', 'json', 'yaml', 'script'] as const;

/** PlanOutput is one of them. */
export type PlanOutput = (typeof PLAN_OUTPUTS)[number];
