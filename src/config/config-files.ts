// The files a config names: the chart as helm takes it, and checks that the chart and the values
// files are there and parse.
import { existsSync, readFileSync } from 'node:fs';
import { isAbsolute, resolve } from 'node:path';
import { parse } from 'yaml';
import type { ChartRef } from '../engine/index.js';
import type { ConfigFile } from './schema.js';

function toChartRef(chart: ConfigFile['chart'], baseDir: string): ChartRef {
  if (typeof chart !== 'string') {
    return 'oci' in chart ? { kind: 'oci', ref: chart.oci, version: chart.version } : { kind: 'repo', repoUrl: chart.repo, name: chart.name, version: chart.version };
  }
  if (chart.startsWith('oci://')) return { kind: 'oci', ref: chart };
  return { kind: 'path', path: isAbsolute(chart) ? chart : resolve(baseDir, chart) };
}

/** safeChartRef is the chart a config names, or undefined when it is not usable (the schema says why). */
export function safeChartRef(chart: ConfigFile['chart'], baseDir: string): ChartRef | undefined {
  if (typeof chart === 'string') return toChartRef(chart, baseDir);
  if ('oci' in chart && typeof chart.oci === 'string') return toChartRef(chart, baseDir);
  if ('repo' in chart && typeof chart.repo === 'string' && typeof chart.name === 'string') return toChartRef(chart, baseDir);
  return undefined;
}

/**
 * checkFiles adds a problem for a local chart or values file that is not there, or a values file
 * that is not a YAML map: helm would fail later, after a lock was taken and a record written.
 */
export function checkFiles(chart: ChartRef | undefined, valuesFiles: string[], problems: string[]): void {
  if (chart?.kind === 'path' && !existsSync(chart.path)) problems.push(`chart: ${chart.path} does not exist`);
  valuesFiles.forEach((file, i) => {
    if (!existsSync(file)) {
      problems.push(`valuesFiles[${i}]: ${file} does not exist`);
      return;
    }
    try {
      const parsed = parse(readFileSync(file, 'utf8'));
      if (parsed !== null && (typeof parsed !== 'object' || Array.isArray(parsed))) problems.push(`valuesFiles[${i}]: ${file} must be a YAML map`);
    } catch (err) {
      // Only the parser's position is shown: the file's contents may hold secrets.
      const where = (err as { linePos?: { line: number; col: number }[] }).linePos?.[0];
      problems.push(`valuesFiles[${i}]: ${file} is not valid YAML${where ? ` (line ${where.line}, column ${where.col})` : ''}`);
    }
  });
}
