import { jsonDocument, type JsonDocumentKind } from '../../core/output.js';
import type { RunResult } from '../results.js';

/** `hil run --json`: the whole run. */
export const HIL_REPORT_DOCUMENT: JsonDocumentKind = { name: 'hil-report', version: 1 };

/** The whole run as data. Pure. */
export function renderJsonReport(run: RunResult): string {
  return `${jsonDocument(HIL_REPORT_DOCUMENT, { ...run })}\n`;
}
