// CI awareness: which CI runs us, its log commands, and publishing the rollout's position.
export { detectCi, isCi, type CiKind } from './detect.js';
export { groupStart, groupEnd, errorAnnotation, warningAnnotation, azureSetOutput, azureUploadSummary } from './log-commands.js';
export { stepOutputs, githubOutputLines, STEP_OUTPUT_NAMES, type StepOutputs } from './step-outputs.js';
export { statusSummary } from './summary.js';
export { publishOutputs, type PublishTarget } from './publish.js';
