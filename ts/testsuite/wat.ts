import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { WrtError } from '../core/errors.js';

/** Assembles WebAssembly text with wat2wasm (wabt). */
export function wat2wasm(text: string, flags: readonly string[] = []): Uint8Array {
  const dir = mkdtempSync(join(tmpdir(), 'wrt-wat-'));
  try {
    const input = join(dir, 'module.wat');
    const output = join(dir, 'module.wasm');
    writeFileSync(input, text);
    try {
      execFileSync('wat2wasm', [...flags, input, '-o', output], { stdio: ['ignore', 'ignore', 'pipe'] });
    } catch (error) {
      const out = error as { code?: string; stderr?: Buffer };
      if (out.code === 'ENOENT') {
        throw new WrtError('TOOL_MISSING', 'wat2wasm (Debian package wabt) is not installed', { field: 'wat2wasm' });
      }
      throw new WrtError('VALUE_INVALID', `wat2wasm rejected the module: ${out.stderr?.toString().trim() ?? ''}`, {
        file: input,
      });
    }
    return new Uint8Array(readFileSync(output));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

