/**
 * What a target offers is data (hostFunctions in targets/<id>.yaml), and that data is the C tables:
 * the WASI entries of native/interp/wrt_wasi.c, the board natives of the firmware
 * (targets/bsp/cortex-m/wrt_board_natives.c) or of native-sim (native/sim/sim_natives.c). validate
 * --target and profile refuse a module importing anything else, naming every import.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Command } from 'commander';
import { afterAll, describe, expect, it } from 'vitest';
import { profileCommand } from '../../ts/cli/commands/profile.js';
import { validateCommand } from '../../ts/cli/commands/validate.js';
import { BufferedOutput } from '../../ts/core/output.js';
import { WrtError } from '../../ts/core/errors.js';
import { packageRoot } from '../../ts/core/paths.js';
import type { CommandModule } from '../../ts/cli/context.js';
import { parseNativesSource, signatureText, unofferedImports } from '../../ts/targets/host-functions.js';
import { listTargets, loadTarget } from '../../ts/targets/index.js';
import { validateWasm } from '../../ts/wasm/validate.js';
import { wat } from '../wasm/wat.js';

const root = packageRoot();
const source = (...parts: string[]): string => readFileSync(join(root, ...parts), 'utf8');

function wasiTable(): { module: string; name: string; signature: string }[] {
  const table = /static const wasi_entry entries\[[^\]]*\] = \{([\s\S]*?)\n\};/.exec(source('native', 'interp', 'wrt_wasi.c'))?.[1] ?? '';
  return [...table.matchAll(/\{\s*"([a-z_]+)",\s*"([iIfF:]*)",/g)].map((m) => ({ module: 'wasi_snapshot_preview1', name: m[1] ?? '', signature: m[2] ?? '' }));
}

/** The logging import the engine adds on every device (native/engine/wrt_engine_host.h). */
function engineLog(): { module: string; name: string; signature: string } {
  const header = source('native', 'engine', 'wrt_engine_host.h');
  const define = (name: string): string => new RegExp(`#define WRT_ENGINE_LOG_${name} "([^"]*)"`).exec(header)?.[1] ?? '';
  return { module: define('MODULE'), name: define('NAME'), signature: define('SIGNATURE') };
}

const dir = mkdtempSync(join(tmpdir(), 'wrt-host-functions-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function cli(command: CommandModule, name: string, ...args: string[]): Promise<{ code: number | undefined; error: unknown }> {
  const program = new Command('wrt-target').exitOverride();
  let code: number | undefined;
  command.register(program, { output: new BufferedOutput(), env: {}, cwd: dir, color: false }, (c) => {
    code = c;
  });
  for (const sub of program.commands) sub.exitOverride().configureOutput({ writeErr: () => undefined, writeOut: () => undefined });
  let error: unknown;
  try {
    await program.parseAsync([name, ...args], { from: 'user' });
  } catch (e) {
    error = e;
  }
  return { code, error };
}

const MISSPELT = `(module
  (import "env" "gpio_write" (func (param i32 i32) (result i32)))
  (import "wrt:board/gpio" "read" (func (param i32)))
  (import "wasi_snapshot_preview1" "fd_wirte" (func (param i32 i32 i32 i32) (result i32)))
  (import "wrt:board/clock" "micros" (func (result i64)))
  (func (export "f")))`;

describe('hostFunctions of the target definitions', () => {
  const wasi = wasiTable();
  const boardNatives = parseNativesSource(source('targets', 'bsp', 'cortex-m', 'wrt_board_natives.c'), 'wrt_board_natives.c');
  const simNatives = parseNativesSource(source('native', 'sim', 'sim_natives.c'), 'sim_natives.c');

  const log = engineLog();

  it('read the C tables: 13 WASI functions, the engine\'s logging import, 4 board natives, 2 on native-sim', () => {
    expect(wasi).toHaveLength(13);
    expect(log).toEqual({ module: 'wrt:logging', name: 'log', signature: 'iiiii:' });
    expect(boardNatives.map((f) => `${f.module}.${f.name} ${f.signature}`)).toEqual([
      'wrt:board/gpio.write ii:i',
      'wrt:board/gpio.read i:i',
      'wrt:board/clock.micros :I',
      'wrt:board/clock.delay_us i:',
    ]);
    expect(simNatives).toEqual(boardNatives.filter((f) => f.module === 'wrt:board/clock'));
  });

  for (const def of listTargets()) {
    it(`${def.id}: equal WASI's table, the logging import and the natives its firmware links, in order`, () => {
      const natives = def.id === 'native-sim' ? simNatives : def.firmware !== undefined ? boardNatives : [];
      expect(def.hostFunctions).toEqual([...wasi, log, ...natives]);
    });
  }
});

describe('natives files', () => {
  it('give their WRT_NATIVE entries, skipping the macro definition', () => {
    const text = '#define WRT_NATIVE(a, b, c, d, e) x\nWRT_NATIVE_APP_TABLE(\n  WRT_NATIVE("app", "scale", "iI:F", 10u, scale),\n  WRT_NATIVE( "app" , "tick", ":", 1, tick),\n)\n';
    expect(parseNativesSource(text, 'n.c')).toEqual([
      { module: 'app', name: 'scale', signature: 'iI:F' },
      { module: 'app', name: 'tick', signature: ':' },
    ]);
  });

  it('refuse a signature without a colon, a name that is no literal, and a file without natives, naming the line', () => {
    const bad = (text: string): WrtError => {
      try {
        parseNativesSource(text, 'n.c');
      } catch (e) {
        if (e instanceof WrtError) return e;
      }
      throw new Error('accepted');
    };
    expect(bad('\n\nWRT_NATIVE("app", "x", "ii", 1, x)')).toMatchObject({ code: 'NATIVES_INVALID', location: { file: 'n.c', line: 3 } });
    expect(bad('WRT_NATIVE(MODULE, "x", "i:", 1, x)').message).toContain('string literals');
    expect(bad('int x;').message).toContain('defines no natives');
  });
});

describe('imports a target does not offer', () => {
  it('are each named with the offered type or the closest offered function', () => {
    const report = validateWasm(wat(MISSPELT), { file: 'm.wasm' });
    const offered = loadTarget('qemu-mps2-an386').hostFunctions ?? [];
    const missing = unofferedImports(report.imports, offered);
    expect(missing.map((m) => [`${m.import.module}.${m.import.name}`, m.offeredAs?.signature, m.closest])).toEqual([
      ['env.gpio_write', undefined, 'wrt:board/gpio.write'],
      ['wrt:board/gpio.read', 'i:i', undefined],
      ['wasi_snapshot_preview1.fd_wirte', undefined, 'wasi_snapshot_preview1.fd_write'],
    ]);
    expect(signatureText('ii:i')).toBe('(i32, i32) -> i32');
    expect(signatureText(':')).toBe('() -> ()');
  });

  it('make validate --target and profile exit 1 with WASM_LINK_FAILED listing each import', async () => {
    const module = join(dir, 'misspelt.wasm');
    writeFileSync(module, wat(MISSPELT));
    for (const [command, name, extra] of [
      [validateCommand, 'validate', []],
      [profileCommand, 'profile', ['--asil', 'QM']],
    ] as const) {
      const result = await cli(command, name, module, '--target', 'qemu-mps2-an386', ...extra);
      expect(result.error).toBeInstanceOf(WrtError);
      const error = result.error as WrtError;
      expect(error.code).toBe('WASM_LINK_FAILED');
      expect(error.message).toContain('3 imports qemu-mps2-an386 does not offer');
      expect(error.message).toContain('env.gpio_write (i32, i32) -> i32: not offered; closest: wrt:board/gpio.write (i32, i32) -> i32');
      expect(error.message).toContain('wrt:board/gpio.read (i32) -> (): offered as (i32) -> i32');
      expect(error.message).toContain('wasi_snapshot_preview1.fd_wirte (i32, i32, i32, i32) -> i32: not offered; closest: wasi_snapshot_preview1.fd_write');
      expect(error.message).not.toContain('micros');
    }
  });

  it('are offered once a natives file lists them (validate --natives)', async () => {
    const module = join(dir, 'app.wasm');
    writeFileSync(module, wat('(module (import "app" "scale" (func (param i32) (result i32))) (func (export "f")))'));
    const natives = join(dir, 'natives.c');
    writeFileSync(natives, 'WRT_NATIVE_APP_TABLE(WRT_NATIVE("app", "scale", "i:i", 4u, scale))\n');
    expect((await cli(validateCommand, 'validate', module, '--target', 'qemu-lm3s6965evb')).error).toMatchObject({ code: 'WASM_LINK_FAILED' });
    const withNatives = await cli(validateCommand, 'validate', module, '--target', 'qemu-lm3s6965evb', '--natives', natives);
    expect(withNatives.error).toBeUndefined();
    expect(withNatives.code).toBe(0);
    writeFileSync(natives, 'WRT_NATIVE_APP_TABLE(WRT_NATIVE("wrt:board/gpio", "write", "ii:i", 4u, mine))\n');
    expect((await cli(validateCommand, 'validate', module, '--target', 'qemu-lm3s6965evb', '--natives', natives)).error).toMatchObject({
      code: 'NATIVES_INVALID',
      message: expect.stringContaining('wrt:board/gpio.write is offered by qemu-lm3s6965evb already') as unknown,
    });
  });
});
