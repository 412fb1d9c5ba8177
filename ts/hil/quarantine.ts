import { existsSync } from 'node:fs';
import { WrtError } from '../core/errors.js';
import { MAX_TEXT_FILE_BYTES } from '../core/user-file.js';
import { checkSchema, fieldLocation, parseYaml, readYamlFile, type YamlSource } from '../core/yaml-schema.js';
import { hilSchema } from './schema.js';
import type { QuarantineEntry } from './types.js';

export interface QuarantineList {
  readonly file?: string;
  readonly entries: readonly QuarantineEntry[];
}

export const EMPTY_QUARANTINE: QuarantineList = { entries: [] };

/** YAML text of a quarantine list, checked: dates must be real calendar days. */
export function parseQuarantine(text: string, file: string): QuarantineList {
  return quarantineFrom(parseYaml(text, file));
}

function quarantineFrom(source: YamlSource): QuarantineList {
  const file = source.file;
  const raw = checkSchema<{ quarantine: QuarantineEntry[] }>(hilSchema('quarantine'), source);
  raw.quarantine.forEach((entry, index) => {
    if (!isCalendarDay(entry.until)) {
      throw new WrtError('CONFIG_SCHEMA', `/quarantine/${index}/until "${entry.until}" is not a calendar day`, fieldLocation(source, `/quarantine/${index}/until`, 'YYYY-MM-DD'));
    }
  });
  return { file, entries: raw.quarantine };
}

/** The list at `path`; a default path that does not exist means no quarantine, a named one is an error. */
export function loadQuarantine(path: string, required: boolean): QuarantineList {
  if (!required && !existsSync(path)) return EMPTY_QUARANTINE;
  return quarantineFrom(readYamlFile(path, { what: 'quarantine list', maxBytes: MAX_TEXT_FILE_BYTES, ...(required ? { field: '--quarantine' } : {}) }));
}

function isCalendarDay(text: string): boolean {
  const date = new Date(`${text}T00:00:00Z`);
  return !Number.isNaN(date.getTime()) && date.toISOString().slice(0, 10) === text;
}

/** `*` any run of characters, `?` one; everything else literal. */
export function globToRegExp(pattern: string): RegExp {
  const body = pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.');
  return new RegExp(`^${body}$`);
}

/** Is an entry still in force on `today` (YYYY-MM-DD, UTC)? `until` is the last day it applies. */
export function isActive(entry: QuarantineEntry, today: string): boolean {
  return today <= entry.until;
}

/** The first active entry covering this test on this board. */
export function quarantineFor(list: QuarantineList, testId: string, boardId: string, today: string): QuarantineEntry | undefined {
  return list.entries.find(
    (entry) => isActive(entry, today) && globToRegExp(entry.test).test(testId) && (entry.boards === undefined || entry.boards.includes(boardId)),
  );
}

/** Entries past their date: the run says so, so someone fixes the test or extends the entry. */
export function expiredEntries(list: QuarantineList, today: string): QuarantineEntry[] {
  return list.entries.filter((entry) => !isActive(entry, today));
}

export function utcDay(date: Date): string {
  return date.toISOString().slice(0, 10);
}
