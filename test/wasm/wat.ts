import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * Assembles WebAssembly text with wabt's wat2wasm (installed by scripts/setup.sh). With `names`
 * the module gets a name section (--debug-names), which wat2wasm places after the code.
 */
export function wat(text: string, options: { names?: boolean; flags?: readonly string[] } = {}): Uint8Array {
  const dir = mkdtempSync(join(tmpdir(), 'wrt-wat-'));
  try {
    const input = join(dir, 'm.wat');
    const output = join(dir, 'm.wasm');
    writeFileSync(input, text);
    execFileSync('wat2wasm', [input, '-o', output, ...(options.names === true ? ['--debug-names'] : []), ...(options.flags ?? [])], {
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    return new Uint8Array(readFileSync(output));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Index of the first occurrence of `pattern` in `bytes` at or after `from`. */
export function indexOfBytes(bytes: Uint8Array, pattern: readonly number[], from = 0): number {
  outer: for (let i = from; i + pattern.length <= bytes.length; i += 1) {
    for (let j = 0; j < pattern.length; j += 1) if (bytes[i + j] !== pattern[j]) continue outer;
    return i;
  }
  return -1;
}
