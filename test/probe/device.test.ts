/**
 * probe --device and profile --device: a device running the interpreter (here native-sim on a pty,
 * exactly as a board on a serial port) is asked with HELLO; its arena becomes the module memory,
 * and a profile compiled from it is one the device accepts.
 */
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BufferedOutput } from '../../ts/core/output.js';
import { main } from '../../ts/cli/main.js';
import { ProtocolClient } from '../../ts/device/client.js';
import type { HelloInfo } from '../../ts/device/messages.js';
import { launchPtyProcess, type PtyProcess } from '../../ts/device/native-sim.js';
import { openPtyTransport } from '../../ts/device/pty-transport.js';
import { decodeProfile } from '../../ts/profile/binary.js';
import { deviceBaud, probe } from '../../ts/probe/gather.js';
import { parseBaud, serialLinkKind } from '../../ts/device/serial-link.js';
import { featureNames } from '../../ts/probe/device.js';
import { buildRealNativeSim } from '../run/helpers.js';
import { moduleFile, tempDir } from '../profile/helpers.js';
import { readFileSync, symlinkSync } from 'node:fs';

const LM3S_HELLO: HelloInfo = {
  protocolVersion: 1,
  maxFrame: 1024,
  interpreterVersion: '0.1.0',
  arenaBytes: 37896,
  ramBytes: 27640,
  uploadCapacity: 8192,
  profileCapacity: 768,
  features: 0b111011,
  bootId: 1,
  deviceId: 'qemu-lm3s6965evb',
};

describe('probe --device with a recorded HELLO', () => {
  it('takes the arena as module memory and stack and CPUs from the definition the device id names', async () => {
    const report = await probe({ device: '/dev/ttyACM0', options: {}, env: {}, cwd: tempDir() }, { askDevice: async () => LM3S_HELLO });
    expect(report.subject).toMatchObject({ kind: 'device', deviceId: 'qemu-lm3s6965evb', target: 'qemu-lm3s6965evb', arenaBytes: 37896, port: '/dev/ttyACM0' });
    expect(report.limits.maxMemory).toMatchObject({
      value: 37896,
      source: "discovered: device qemu-lm3s6965evb on /dev/ttyACM0: HELLO arena_bytes (the interpreter's arena, measured on the device)",
    });
    expect(report.limits.maxStack.value).toBe(8192);
    expect(report.limits.platform.value).toBe('embedded');
    expect(report.gaps).toEqual([]);
  });

  it('gives a device no definition describes a quarter of its arena as stack and one CPU, and says why', async () => {
    const hello = { ...LM3S_HELLO, deviceId: 'bench-board-7', arenaBytes: 100_000 };
    const report = await probe({ device: '/dev/ttyUSB3', options: {}, env: {}, cwd: tempDir() }, { askDevice: async () => hello });
    expect(report.subject).toMatchObject({ kind: 'device', target: null });
    expect(report.limits.maxMemory.value).toBe(100_000);
    expect(report.limits.maxStack).toMatchObject({
      value: 24_992, // 100000 / 4 rounded down to 16 bytes
      source: 'discovered: device bench-board-7 on /dev/ttyUSB3: HELLO: a quarter of the arena (no target definition is named bench-board-7)',
    });
    expect(report.limits.cpus.value).toBe(1);
  });

  it('refuses --device together with --target', async () => {
    await expect(probe({ device: '/dev/ttyACM0', target: 'qemu-lm3s6965evb', options: {}, env: {}, cwd: tempDir() })).rejects.toMatchObject({
      code: 'USAGE',
    });
  });

  it('opens the line at --baud, else at the one speed every target UART names; --baud alone is refused', async () => {
    const speeds: number[] = [];
    const askDevice = async (_port: string, baud: number) => {
      speeds.push(baud);
      return LM3S_HELLO;
    };
    await probe({ device: '/dev/ttyACM0', options: {}, env: {}, cwd: tempDir() }, { askDevice });
    await probe({ device: '/dev/ttyACM0', baud: 921600, options: {}, env: {}, cwd: tempDir() }, { askDevice });
    expect(speeds).toEqual([115200, 921600]);
    expect(deviceBaud('/dev/ttyACM0', undefined, [115200, undefined, 115200])).toBe(115200);
    expect(() => deviceBaud('/dev/ttyACM0', undefined, [115200, 9600])).toThrow("--device /dev/ttyACM0: the target definitions' UARTs run at 9600, 115200 baud, so the line's speed is not known");
    await expect(probe({ baud: 9600, options: {}, env: {}, cwd: tempDir() })).rejects.toMatchObject({ code: 'USAGE', location: { field: '--baud' } });
    expect(() => parseBaud('fast')).toThrow('--baud "fast" is not a serial speed');
  });

  it('names the feature bits', () => {
    expect(featureNames(LM3S_HELLO.features)).toEqual(['float', 'output', 'fuel', 'reference-types', 'bulk-memory']);
    expect(featureNames(LM3S_HELLO.features | (1 << 17))).toContain('multi-memory');
    expect(featureNames(2 ** 31)).toEqual(['test-double']);
    // Every bit the protocol defines has a name: a component device says what it runs.
    expect(featureNames((1 << 14) | (1 << 15) | (1 << 16) | (1 << 18))).toEqual(['component', 'component-link', 'wasi2', 'host-handles']);
    expect(featureNames((1 << 11) | (1 << 12) | (1 << 13))).toEqual(['code-unfused', 'code-narrow', 'debug']);
  });
});

describe('probe and profile --device on a live device (native-sim on a pty)', () => {
  let sim: PtyProcess;
  let binary = '';

  beforeAll(async () => {
    binary = buildRealNativeSim();
    sim = await launchPtyProcess(binary, ['--pty', '--arena', String(2 * 1024 * 1024)]);
  });

  afterAll(async () => {
    await sim.stop();
  });

  async function cli(args: readonly string[], cwd: string): Promise<{ code: number; out: BufferedOutput }> {
    const out = new BufferedOutput();
    const code = await main(['node', 'wrt-target', ...args], { output: out, env: { ...process.env, WRT_NATIVE_SIM: binary }, cwd });
    return { code, out };
  }

  it('probe --device reports the arena native-sim was started with', async () => {
    const { code, out } = await cli(['probe', '--device', sim.pty.path, '--json'], tempDir());
    expect(code).toBe(0);
    const report = JSON.parse(out.text) as { subject: Record<string, unknown>; limits: { maxMemory: { value: number; source: string } } };
    expect(report.subject).toMatchObject({ kind: 'device', deviceId: 'native-sim', target: 'native-sim', arenaBytes: 2 * 1024 * 1024 });
    expect(report.limits.maxMemory.value).toBe(2 * 1024 * 1024);
    expect(report.limits.maxMemory.source).toContain(`device native-sim on ${sim.pty.path}: HELLO arena_bytes`);
  });

  it('probe --device on a node that is not /dev/pts/N opens it through serialport at --baud', async () => {
    // A link to the pty is what a /dev/serial/by-id name is to a tty: serialport opens it and sets its speed.
    const dir = tempDir();
    const link = join(dir, 'ttyBOARD0');
    symlinkSync(sim.pty.path, link);
    expect(serialLinkKind(link)).toBe('serialport');
    const { code, out } = await cli(['probe', '--device', link, '--baud', '230400', '--json'], dir);
    expect(code).toBe(0);
    expect((JSON.parse(out.text) as { subject: Record<string, unknown> }).subject).toMatchObject({ kind: 'device', deviceId: 'native-sim', port: link });
  });

  it('profile --device compiles for the device, and the device loads and runs the module under it', async () => {
    const { dir, file, bytes } = moduleFile(`(module (func (export "add") (param i32 i32) (result i32) (i32.add (local.get 0) (local.get 1))))`);
    const out = join(dir, 'add.wrtp');
    const made = await cli(['profile', file, '--device', sim.pty.path, '-o', out], dir);
    expect(made.code).toBe(0);
    const profile = decodeProfile(new Uint8Array(readFileSync(out)));
    expect(profile.targetId).toBe('native-sim');
    expect(profile.arenaBudget).toBeLessThanOrEqual(2 * 1024 * 1024);
    const transport = openPtyTransport(sim.pty.path);
    const client = new ProtocolClient(transport, { helloTimeoutMs: 5000 });
    try {
      await client.transfer(bytes, { profile: new Uint8Array(readFileSync(out)) });
      const answer = await client.invoke('add', [
        { type: 'i32', value: 40 },
        { type: 'i32', value: 2 },
      ]);
      expect(answer.results).toEqual([{ type: 'i32', value: 42 }]);
      expect((await client.stats()).get('engine.profiled')).toBe(1n);
    } finally {
      client.close();
      await transport.close();
    }
  });
});
