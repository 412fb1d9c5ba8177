import { describe, expect, it } from 'vitest';
import { packageRoot } from '../../ts/core/paths.js';
import { runWitConformance, uiDirectory } from '../../scripts/wit/conformance.js';

describe('WIT conformance against wit-parser UI tests', () => {
  const summary = runWitConformance(uiDirectory(process.env, packageRoot()));

  it('resolves every accept case to wit-parser JSON, the two binary-encoded ones listed as skips', () => {
    const failed = summary.cases.filter((c) => c.kind === 'accept' && c.status === 'failed').map((c) => `${c.name}: ${c.detail}`);
    expect(failed).toEqual([]);
    expect(summary.accept).toEqual({ total: 74, passed: 72, skipped: 2 });
  });

  it('refuses every parse-fail case, at wit-parser place on all but the one a limit stops earlier', () => {
    expect(summary.parseFail.total).toBe(150);
    expect(summary.parseFail.refused).toBe(150);
    expect(summary.parseFail.withPlace).toBe(146);
    expect(summary.parseFail.placeMatched).toBe(145);
    const differing = summary.cases.filter((c) => c.placeMatched === false).map((c) => c.name);
    // A 65,000-character identifier: the large preset stops it at 1024 characters, where it starts.
    expect(differing).toEqual(['very-large-column.wit']);
    expect(summary.failed).toBe(0);
  });
});
