/**
 * The shipped targets, checked once at build time. `npm run build:ts` loads every targets/*.yaml
 * through the full path (YAML, schema, semantics) and writes dist/generated/targets.json; a command
 * then takes a shipped definition from there without loading a YAML parser or a validator. An entry
 * is used only while the YAML file still hashes to what was checked and the schema is the one it
 * was checked against, so an edited file is never answered from the snapshot.
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { generatedDir, type SchemaSpec, schemaSha256 } from '../core/schema-validator.js';
import type { TargetDefinition } from './types.js';

export const TARGET_SNAPSHOT_FILE = 'targets.json';

export interface TargetSnapshot {
  readonly schemaSha256: string;
  readonly targets: Readonly<Record<string, { readonly sha256: string; readonly definition: TargetDefinition }>>;
}

export function textSha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

export function snapshotPath(): string {
  return join(generatedDir(), TARGET_SNAPSHOT_FILE);
}

/** The snapshot of shipped targets: what the build writes. */
export function buildSnapshot(schema: SchemaSpec, entries: readonly { readonly text: string; readonly definition: TargetDefinition }[]): TargetSnapshot {
  const targets: Record<string, { sha256: string; definition: TargetDefinition }> = {};
  for (const entry of entries) targets[entry.definition.id] = { sha256: textSha256(entry.text), definition: entry.definition };
  return { schemaSha256: schemaSha256(schema.schema()), targets };
}

let cached: TargetSnapshot | null | undefined;

/** The snapshot when the build wrote one for the current schema, else null. Read once per process. */
function currentSnapshot(schema: SchemaSpec): TargetSnapshot | null {
  if (cached !== undefined) return cached;
  const file = snapshotPath();
  cached = null;
  if (existsSync(file)) {
    const snapshot = JSON.parse(readFileSync(file, 'utf8')) as TargetSnapshot;
    if (snapshot.schemaSha256 === schemaSha256(schema.schema())) cached = snapshot;
  }
  return cached;
}

/** The checked definition of a shipped target whose file still reads `text`, or undefined. */
export function snapshotDefinition(schema: SchemaSpec, id: string, text: string): TargetDefinition | undefined {
  const entry = currentSnapshot(schema)?.targets[id];
  return entry !== undefined && entry.sha256 === textSha256(text) ? entry.definition : undefined;
}
