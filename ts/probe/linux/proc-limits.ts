import { WrtError } from '../../core/errors.js';
import type { RlimitPair } from '../../native/facts.js';

export const PROC_LIMITS_PATH = '/proc/self/limits';

/** The rows of /proc/self/limits, keyed by their name ("Max stack size"). */
export type ProcLimits = ReadonlyMap<string, RlimitPair & { readonly line: number }>;

const ROW = /^(Max [A-Za-z ]+?)\s{2,}(unlimited|\d+)\s+(unlimited|\d+)(?:\s+\S+)?\s*$/;

function limitValue(token: string): bigint | null {
  return token === 'unlimited' ? null : BigInt(token);
}

/**
 * Parses /proc/self/limits: the same numbers getrlimit(2) gives, for when the native addon is not
 * loaded. The kernel prints a header row and then one fixed-format row per resource.
 */
export function parseProcLimits(text: string, file: string = PROC_LIMITS_PATH): ProcLimits {
  const rows = new Map<string, RlimitPair & { line: number }>();
  const lines = text.split('\n');
  for (let index = 0; index < lines.length; index += 1) {
    const raw = lines[index] ?? '';
    if (raw.trim() === '' || raw.startsWith('Limit ')) continue;
    const match = ROW.exec(raw);
    const name = match?.[1];
    const soft = match?.[2];
    const hard = match?.[3];
    if (name === undefined || soft === undefined || hard === undefined) {
      throw new WrtError('HOST_READ_FAILED', `row is not "Max <resource>  <soft>  <hard>  <unit>": ${JSON.stringify(raw.slice(0, 80))}`, {
        file,
        line: index + 1,
      });
    }
    rows.set(name, { soft: limitValue(soft), hard: limitValue(hard), line: index + 1 });
  }
  return rows;
}

export function procLimitRow(limits: ProcLimits, name: string, file: string = PROC_LIMITS_PATH): RlimitPair {
  const row = limits.get(name);
  if (row === undefined) throw new WrtError('HOST_READ_FAILED', `no "${name}" row`, { file, field: name });
  return { soft: row.soft, hard: row.hard };
}
