/**
 * A module over the device's upload capacity is refused before it is read whole: run (native-sim),
 * profile --target and deploy check the file's size and section headers against the target's
 * upload buffer; custom sections, which are stripped before upload, do not count.
 */
import { statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../ts/cli/main.js';
import { BufferedOutput } from '../../ts/core/output.js';
import { NATIVE_SIM_UPLOAD_BYTES } from '../../ts/targets/upload-capacity.js';
import { encodeUleb } from '../../ts/wasm/leb128.js';
import { encodeCustomSection, strippedSizeFromHeaders } from '../../ts/wasm/sections.js';
import { uploadForm } from '../../ts/wasm/upload-form.js';
import { tempDir } from '../profile/helpers.js';
import { buildRealNativeSim } from './helpers.js';

function section(id: number, payload: Uint8Array | readonly number[]): Uint8Array {
  const body = payload instanceof Uint8Array ? payload : Uint8Array.from(payload);
  return Uint8Array.from([id, ...encodeUleb(body.length), ...body]);
}

function custom(name: string, bytes: number): Uint8Array {
  return encodeCustomSection(name, new Uint8Array(bytes));
}

/** `main` returning 7, with `dataBytes` of zeros in an active data segment and the extra sections. */
function module(dataBytes: number, extra: readonly Uint8Array[] = []): Uint8Array {
  const pages = Math.max(1, Math.ceil(dataBytes / 65536));
  const data = new Uint8Array([1, 0, 0x41, 0, 0x0b, ...encodeUleb(dataBytes)].length + dataBytes);
  data.set([1, 0, 0x41, 0, 0x0b, ...encodeUleb(dataBytes)]);
  return Buffer.concat([
    Uint8Array.from([0, 0x61, 0x73, 0x6d, 1, 0, 0, 0]),
    section(1, [1, 0x60, 0, 1, 0x7f]),
    section(3, [1, 0]),
    section(5, [1, 0, ...encodeUleb(pages)]),
    section(7, [1, 4, ...Buffer.from('main'), 0, 0]),
    section(10, [1, 4, 0, 0x41, 7, 0x0b]),
    section(11, data),
    ...extra,
  ]);
}

function readAtOf(bytes: Uint8Array): (offset: number, length: number) => Uint8Array {
  return (offset, length) => bytes.slice(offset, offset + length);
}

async function cli(args: readonly string[], cwd: string): Promise<{ code: number; stdout: string; stderr: string }> {
  const output = new BufferedOutput();
  const code = await main(['node', 'wrt-target', ...args], { output, env: { PATH: process.env.PATH ?? '' }, cwd });
  return { code, stdout: output.stdout.join('\n'), stderr: output.stderr.join('\n') };
}

describe('the smallest upload form from section headers alone', () => {
  it('equals the stripped module for custom sections of every size, across read windows', () => {
    const tiny = Array.from({ length: 30_000 }, (_, i) => custom(`c${i % 10}`, i % 7));
    for (const bytes of [module(10), module(100, [custom('name', 5), custom('.debug_info', 200_000)]), module(70_000, tiny)]) {
      expect(strippedSizeFromHeaders(bytes.length, readAtOf(bytes))).toBe(uploadForm(bytes, 'none').bytes.length);
    }
  });

  it('gives up on what does not walk as sections (the validator says why once it is read)', () => {
    const bytes = module(100);
    expect(strippedSizeFromHeaders(bytes.length - 1, readAtOf(bytes.subarray(0, bytes.length - 1)))).toBeUndefined();
    expect(strippedSizeFromHeaders(4, readAtOf(bytes.subarray(0, 4)))).toBeUndefined();
    const text = Buffer.from('(module)');
    expect(strippedSizeFromHeaders(text.length, readAtOf(text))).toBeUndefined();
  });
});

describe('run, profile and deploy refuse a module over the upload capacity unread', () => {
  let dir = '';
  let over = '';
  let debugHeavy = '';
  beforeAll(() => {
    buildRealNativeSim();
    dir = tempDir();
    over = join(dir, 'over.wasm');
    writeFileSync(over, module(NATIVE_SIM_UPLOAD_BYTES + 1));
    // Over the capacity as a file, within it as uploaded: custom sections are stripped.
    debugHeavy = join(dir, 'debug-heavy.wasm');
    writeFileSync(debugHeavy, module(100, [custom('.debug_info', NATIVE_SIM_UPLOAD_BYTES + 1)]));
  });

  it('run: native-sim\'s capacity, naming file, size, limit and what to do', async () => {
    const { code, stderr } = await cli(['run', over, '--invoke', 'main', '--profile', 'none'], dir);
    expect(code).toBe(1);
    expect(stderr).toContain(`error[LIMIT_EXCEEDED]: ${over}: module size: the module is 4.0 MiB (${statSync(over).size} B); native-sim takes modules of at most 4.0 MiB (4194304 B) (its upload buffer), so it was not read`);
    expect(stderr).toContain('limit: 4194304 bytes (native-sim --upload-capacity, as run starts it); shrink the module');
  });

  it('run: custom sections do not count, and the module runs', async () => {
    expect(await cli(['run', debugHeavy, '--invoke', 'main'], dir)).toMatchObject({ code: 0, stdout: 'i32:7' });
  });

  it('profile --target: the target\'s upload buffer (targets YAML firmware.uploadBufferBytes)', async () => {
    const { code, stderr } = await cli(['profile', over, '--target', 'qemu-mps2-an386', '--asil', 'QM'], dir);
    expect(code).toBe(1);
    expect(stderr).toContain('qemu-mps2-an386 takes modules of at most 1.0 MiB (1048576 B) (its upload buffer), so it was not read');
    expect(stderr).toContain('targets/qemu-mps2-an386.yaml firmware.uploadBufferBytes');
  });

  it('deploy: refused before the firmware is built or QEMU starts', async () => {
    const { code, stderr } = await cli(['deploy', over, '--target', 'qemu-mps2-an386', '--invoke', 'main'], dir);
    expect(code).toBe(1);
    expect(stderr).toContain('qemu-mps2-an386 takes modules of at most 1.0 MiB (1048576 B) (its upload buffer), so it was not read');
  });
});
