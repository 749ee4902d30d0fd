// The log commands of GitHub Actions (`::name props::data`) and Azure Pipelines
// (`##vso[area.name props]data`, `##[group]`), with each system's escaping, so that a message
// holding `%`, `;` or a newline cannot end the command early or inject another one.
import type { CiKind } from './detect.js';

// GitHub: data escapes %, CR, LF; property values also `:` and `,` (the runner's own rules).
function githubData(text: string): string {
  return text.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
}

function githubProperty(text: string): string {
  return githubData(text).replace(/:/g, '%3A').replace(/,/g, '%2C');
}

// Azure: the agent unescapes %AZP25 to %, then %0D, %0A, and in properties %3B and %5D.
function azureData(text: string): string {
  return text.replace(/%/g, '%AZP25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
}

function azureProperty(text: string): string {
  return azureData(text).replace(/;/g, '%3B').replace(/]/g, '%5D');
}

/** groupStart opens a collapsible log group titled `title`. */
export function groupStart(ci: CiKind, title: string): string {
  const line = title.replace(/[\r\n]+/g, ' ');
  return ci === 'github' ? `::group::${line}` : `##[group]${line}`;
}

/** groupEnd closes the group opened last. */
export function groupEnd(ci: CiKind): string {
  return ci === 'github' ? '::endgroup::' : '##[endgroup]';
}

/** errorAnnotation marks `message` as an error on the run's summary page. */
export function errorAnnotation(ci: CiKind, message: string, title = 'helm-canary'): string {
  return ci === 'github'
    ? `::error title=${githubProperty(title)}::${githubData(message)}`
    : `##vso[task.logissue type=error]${azureData(`${title}: ${message}`)}`;
}

/** warningAnnotation marks `message` as a warning on the run's summary page. */
export function warningAnnotation(ci: CiKind, message: string, title = 'helm-canary'): string {
  return ci === 'github'
    ? `::warning title=${githubProperty(title)}::${githubData(message)}`
    : `##vso[task.logissue type=warning]${azureData(`${title}: ${message}`)}`;
}

/** azureSetOutput sets an output variable later jobs read as dependencies.<job>.outputs['<step>.<name>']. */
export function azureSetOutput(name: string, value: string): string {
  return `##vso[task.setvariable variable=${azureProperty(name)};isOutput=true]${azureData(value)}`;
}

/** azureUploadSummary attaches a markdown file to the run's summary tab. */
export function azureUploadSummary(path: string): string {
  return `##vso[task.uploadsummary]${azureData(path)}`;
}
