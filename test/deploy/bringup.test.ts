/**
 * The board support under QEMU: builds the bring-up firmware for each emulated board with the
 * Makefile, launches it through ts/deploy/qemu.ts, and checks banner, echo, tick, FPU, memory map,
 * reset and exit codes against the target definitions.
 */
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { launchQemu, type QemuInstance } from '../../ts/deploy/qemu.js';
import { loadTarget } from '../../ts/targets/index.js';
import { BringupSession } from './bringup-session.js';
import { BOARDS, buildFirmware, parseSizeLine } from './firmware.js';

const running = new Set<QemuInstance>();

afterEach(async () => {
  for (const instance of running) await instance.stop();
  running.clear();
});

async function start(target: string, elf: string, serial: 'socket' | 'pty' = 'socket'): Promise<{ qemu: QemuInstance; session: BringupSession }> {
  const qemu = await launchQemu(loadTarget(target), { elf, paused: true, serial });
  running.add(qemu);
  const session = new BringupSession(qemu.transport);
  await qemu.resume();
  return { qemu, session };
}

describe.each(BOARDS)('bring-up firmware on $target', ({ board, target }) => {
  const def = loadTarget(target);
  let elf = '';
  let buildOutput = '';

  beforeAll(() => {
    const built = buildFirmware(board);
    elf = built.elf;
    buildOutput = built.output;
  });

  it('reports flash and RAM use inside the target memory map', () => {
    const size = parseSizeLine(buildOutput);
    expect(size).toBeDefined();
    if (size === undefined) return;
    expect(size.target).toBe(target);
    expect(size.flashTotal).toBe(def.memory.flash?.bytes);
    expect(size.ramTotal).toBe(def.memory.ram?.find((region) => region.arena === true)?.bytes);
    // Vector table and code at least; never the whole region.
    expect(size.flash).toBeGreaterThan(1024);
    expect(size.flash).toBeLessThan(size.flashTotal);
    // The 8 KiB stack and the 1 KiB receive ring are in RAM.
    expect(size.ram).toBeGreaterThanOrEqual(8192 + 1024);
    expect(size.ram).toBeLessThan(size.ramTotal);
    // The Berkeley listing of arm-none-eabi-size is printed too.
    expect(buildOutput).toMatch(/text\s+data\s+bss\s+dec\s+hex\s+filename/);
  });

  it('boots, echoes, keeps time, computes floats, resets and exits with the requested code', async () => {
    const { qemu, session } = await start(target, elf);
    const banner = await session.waitFor(/wrt-bringup board=(\S+) core=(\S+) float=(\S+) clock=(\d+) boot=(\d+)\r\nready\r\n/);
    expect(banner.slice(1)).toEqual([target, def.cpu.core, def.features.float, String(def.cpu.clockHz), '1']);
    await session.sync();

    await session.send('hello, board\n');
    await session.waitFor(/^hello, board\r\nerror unknown command\r\n/);

    await session.send('info\n');
    const memory = await session.waitFor(/mem flash=0x([0-9a-f]{8})\+(\d+) ram=0x([0-9a-f]{8})\+(\d+) free=0x([0-9a-f]{8})\+(\d+) stack=(\d+)\r\n/);
    const arena = def.memory.ram?.find((region) => region.arena === true);
    expect(Number.parseInt(memory[1] ?? '', 16)).toBe(def.memory.flash?.base);
    expect(Number(memory[2])).toBe(def.memory.flash?.bytes);
    expect(Number.parseInt(memory[3] ?? '', 16)).toBe(arena?.base);
    expect(Number(memory[4])).toBe(arena?.bytes);
    const freeStart = Number.parseInt(memory[5] ?? '', 16);
    expect(freeStart + Number(memory[6])).toBe((arena?.base ?? 0) + (arena?.bytes ?? 0));
    expect(Number(memory[7])).toBe(8192);

    await session.send('float\n');
    await session.waitFor(new RegExp(`float 8125 1300 fpu=${def.features.float === 'hard' ? 'on' : 'off'}\\r\\n`));

    await session.send('tick\n');
    const first = Number((await session.waitFor(/tick (\d+)\r\n/))[1]);
    const sentAt = Date.now();
    await session.send('wait 300\n');
    await session.waitFor(/waited 300 ms\r\n/);
    // A tick running fast (a wrong clock) would finish early; the host clock bounds it from below.
    expect(Date.now() - sentAt).toBeGreaterThanOrEqual(290);
    await session.send('tick\n');
    const second = Number((await session.waitFor(/tick (\d+)\r\n/))[1]);
    expect(second - first).toBeGreaterThanOrEqual(300);

    await session.send('reset\n');
    await session.waitFor(/resetting\r\n/);
    const again = await session.waitFor(/wrt-bringup board=\S+ core=\S+ float=\S+ clock=\d+ boot=(\d+)\r\nready\r\n/);
    expect(again[1]).toBe('2');

    await session.send('stats\n');
    await session.waitFor(/stats rx_dropped=0\r\n/);

    await session.send('q 42\n');
    await session.waitFor(/bye 42\r\n/);
    const exit = await qemu.waitForExit(5000);
    expect(exit).toMatchObject({ code: 42, signal: null, stopped: false });
  });

  it('works over a pty too: banner, echo, exit code', async () => {
    const { qemu, session } = await start(target, elf, 'pty');
    expect(qemu.serial.kind).toBe('pty');
    expect(qemu.serial.path).toMatch(/^\/dev\/pts\/\d+$/);
    await session.waitFor(new RegExp(`wrt-bringup board=${target} .*\\r\\nready\\r\\n`));
    await session.sync();
    await session.send('echo over pty\n');
    await session.waitFor(/echo over pty\r\nerror unknown command\r\n/);
    await session.send('q 17\n');
    expect((await qemu.waitForExit(5000)).code).toBe(17);
  });

  it('passes a 4 KiB burst through the receive ring without dropping a byte', async () => {
    const { qemu, session } = await start(target, elf);
    await session.waitFor(/ready\r\n/);
    await session.sync();
    // 64 lines of 63 distinct printable bytes: longer than the ring, within the line limit.
    const lines = Array.from({ length: 64 }, (_, row) => Array.from({ length: 63 }, (_, column) => String.fromCharCode(33 + ((row + column) % 90))).join(''));
    await session.send(lines.map((line) => `${line}\n`).join(''));
    for (const line of lines) await session.waitFor(new RegExp(`${line.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\r\\nerror unknown command\\r\\n`));
    await session.send('stats\n');
    await session.waitFor(/stats rx_dropped=0\r\n/);
    await session.send('q 0\n');
    expect((await qemu.waitForExit(5000)).code).toBe(0);
  });

  it('holds input in the UART while the receive ring is full, losing nothing', async () => {
    const { qemu, session } = await start(target, elf);
    await session.waitFor(/ready\r\n/);
    await session.sync();
    await session.send('hold 400\n');
    await session.waitFor(/holding\r\n/);
    // 3 KiB while the firmware reads nothing: three times the 1 KiB ring.
    const lines = Array.from({ length: 48 }, (_, row) => `${String(row).padStart(2, '0')}:${'x'.repeat(60)}`);
    await session.send(lines.map((line) => `${line}\n`).join(''));
    await session.waitFor(/held 400 ms\r\n/);
    for (const line of lines) await session.waitFor(new RegExp(`^${line}\\r\\nerror unknown command\\r\\n`));
    await session.send('stats\n');
    await session.waitFor(/^stats\r\nstats rx_dropped=0\r\n/);
    await session.send('q 0\n');
    expect((await qemu.waitForExit(5000)).code).toBe(0);
  });

  it('maps an exit code above 239 to the board code 254', async () => {
    const { qemu, session } = await start(target, elf);
    await session.waitFor(/ready\r\n/);
    await session.sync();
    await session.send('q 250\n');
    expect((await qemu.waitForExit(5000)).code).toBe(254);
  });

  const faults = [
    { kind: 'hard', name: 'HardFault', code: 243 },
    { kind: 'udf', name: 'UsageFault', code: 246 },
    { kind: 'div0', name: 'UsageFault', code: 246 },
    // QEMU's Stellaris model raises no bus error for unmapped addresses (see its wrt_board_config.h).
    ...(board === 'mps2-an386' ? [{ kind: 'bus', name: 'BusFault', code: 245 }] : []),
  ];

  it.each(faults)('reports a deliberate $kind fault on the UART and exits with $code', async ({ kind, name, code }) => {
    const { qemu, session } = await start(target, elf);
    await session.waitFor(/ready\r\n/);
    await session.sync();
    await session.send(`fault ${kind}\n`);
    const report = await session.waitFor(/\*\*\* wrt fault: (\S+) \(exception (\d+)\)\r\n\*\*\* pc=0x([0-9a-f]{8})[^\r]*\r\n\*\*\* cfsr=0x([0-9a-f]{8}) hfsr=0x([0-9a-f]{8})[^\r]*\r\n\*\*\* exit (\d+)\r\n/).catch((error: unknown) => {
      throw new Error(`${String(error)}\nall UART output: ${JSON.stringify(qemu.uartOutput())}`);
    });
    expect(report[1]).toBe(name);
    expect(Number(report[2])).toBe(code - 240);
    expect(Number(report[6])).toBe(code);
    // A HardFault here is an escalated UsageFault: HFSR.FORCED.
    if (kind === 'hard') expect(Number.parseInt(report[5] ?? '', 16) & 0x40000000).not.toBe(0);
    const exit = await qemu.waitForExit(5000);
    expect(exit).toMatchObject({ code, signal: null, stopped: false });
  });

  it('ends a stack overflow in a fault report from the fault stack, without a stacked frame', async () => {
    const { qemu, session } = await start(target, elf);
    await session.waitFor(/ready\r\n/);
    await session.sync();
    await session.send('fault stack\n');
    const report = await session.waitFor(/\*\*\* wrt fault: (\S+) \(exception (\d+)\)\r\n\*\*\* sp=0x([0-9a-f]{8}) \(frame outside RAM\)[^\r]*\r\n[^\r]*\r\n\*\*\* exit (\d+)\r\n/);
    // Below the RAM base: the stack sits at the bottom of RAM so an overflow leaves it.
    expect(Number.parseInt(report[3] ?? '', 16)).toBeLessThan(def.memory.ram?.find((region) => region.arena === true)?.base ?? 0);
    const code = Number(report[4]);
    // Which fault the overflow hits first depends on the board's model of the memory below RAM.
    expect([244, 245, 246]).toContain(code);
    expect((await qemu.waitForExit(5000)).code).toBe(code);
  });
});
