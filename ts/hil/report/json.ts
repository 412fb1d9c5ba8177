import { toJson } from '../../core/output.js';
import type { RunResult } from '../results.js';

export const HIL_REPORT_FORMAT = 'wrt-target-hil-report';
export const HIL_REPORT_VERSION = 1;

/** The whole run as data; `format` and `version` let consumers check what they read. Pure. */
export function renderJsonReport(run: RunResult): string {
  return `${toJson({ format: HIL_REPORT_FORMAT, version: HIL_REPORT_VERSION, ...run })}\n`;
}
