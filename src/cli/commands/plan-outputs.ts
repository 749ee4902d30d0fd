// The formats `plan --output` takes, apart from the plan command so that wiring it costs nothing.
/** PLAN_OUTPUTS lists the formats of `helm-canary plan --output`. */
export const PLAN_OUTPUTS = ['table', 'json', 'yaml', 'script'] as const;
