/**
 * Deploy goodput on the default emulated board (qemu-mps2-an386, interpreter firmware, UART0 on
 * QEMU's Unix socket, the link `deploy` uses): module bytes per second of upload (UPLOAD_BEGIN sent
 * to UPLOAD_END's verified digest back, SHA-256 and engine load on the device included) as a share
 * of the raw throughput of the same link to the same running firmware, measured in the same run.
 * Goal: >= 90 %. Then `deploy()` end to end, QEMU start-up included, for a tiny WASI command and
 * for the wasi-libc hello built with debug info (~113 KB, ~24 KB once deploy strips its custom
 * sections; goal < 2 s), beside the raw link rate.
 *
 * The raw transfer does no protocol work: it streams the same number of bytes (in writes of one
 * chunk frame's size, as the upload writes), none of them a frame delimiter, followed by one
 * delimiter. The firmware moves every byte from its receive ring through
 * the COBS decoder, which only counts bytes past max_frame (no CRC, no copy, no answer), and
 * reports one FRAME_TOO_LARGE when the delimiter arrives; the clock stops when that notice is back.
 * So "raw" is the link plus the least per-byte work any receiver of this firmware does. QEMU's UART
 * models take one byte per main-loop turn, so both figures are bound by QEMU, not the guest; each
 * is the best of several runs, raw and upload in pairs of alternating order (the run least
 * disturbed by other processes), and the median of the pairs' ratios is printed beside.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { renderTable } from '../../ts/core/output.js';
import { WrtError } from '../../ts/core/errors.js';
import { packageRoot } from '../../ts/core/paths.js';
import { mulberry32 } from '../../ts/core/prng.js';
import { deploy } from '../../ts/deploy/deploy.js';
import { ensureFirmware, firmwareBoardOf } from '../../ts/deploy/firmware.js';
import { launchQemu } from '../../ts/deploy/qemu.js';
import { ProtocolClient } from '../../ts/device/client.js';
import type { DeviceErrorInfo } from '../../ts/device/device-errors.js';
import { DeviceErrorCode } from '../../ts/device/protocol.js';
import { loadTarget } from '../../ts/targets/index.js';
import { encodeUleb } from '../../ts/wasm/leb128.js';

const TARGET = 'qemu-mps2-an386';
const SIZES = [64 * 1024, 256 * 1024] as const;
const FIRST_OUTPUT = 'ready\n';

/** A WASI command that prints FIRST_OUTPUT at once and returns. */
const READY_WAT = `(module
  (import "wasi_snapshot_preview1" "fd_write" (func $fd_write (param i32 i32 i32 i32) (result i32)))
  (memory (export "memory") 1)
  (data (i32.const 16) "${FIRST_OUTPUT.replace('\n', '\\n')}")
  (func (export "_start")
    (i32.store (i32.const 0) (i32.const 16))
    (i32.store (i32.const 4) (i32.const ${FIRST_OUTPUT.length}))
    (drop (call $fd_write (i32.const 1) (i32.const 0) (i32.const 1) (i32.const 8)))))
`;


/**
 * `module` followed by one custom section of seeded random bytes, so the whole is exactly `total`
 * bytes. Engines skip custom sections, so the padded module runs as the original does; random
 * bytes make COBS add what real code makes it add (one byte per ~254).
 */
export function padWasm(module: Uint8Array, total: number, seed: number): Uint8Array {
  const name = [...Buffer.from('wrt.bench.padding')];
  const room = total - module.length;
  for (let sizeBytes = 1; sizeBytes <= 5; sizeBytes++) {
    const content = room - 1 - sizeBytes;
    const payload = content - encodeUleb(name.length).length - name.length;
    if (payload < 0 || encodeUleb(content).length !== sizeBytes) continue;
    const random = mulberry32(seed);
    const out = new Uint8Array(total);
    out.set(module, 0);
    out.set([0, ...encodeUleb(content), ...encodeUleb(name.length), ...name], module.length);
    for (let i = total - payload; i < total; i++) out[i] = Math.floor(random() * 256);
    return out;
  }
  throw new WrtError('VALUE_INVALID', `cannot pad a ${module.length}-byte module to ${total} bytes`, { limit: `${total} bytes` });
}

function readyModule(dir: string): Uint8Array {
  const wat = join(dir, 'ready.wat');
  const wasm = join(dir, 'ready.wasm');
  writeFileSync(wat, READY_WAT);
  try {
    execFileSync('wat2wasm', [wat, '-o', wasm], { stdio: ['ignore', 'pipe', 'pipe'] });
  } catch (error) {
    throw new WrtError('TOOL_MISSING', `wat2wasm failed (Debian package wabt): ${String(error)}`, { field: 'wat2wasm' });
  }
  return new Uint8Array(readFileSync(wasm));
}

interface Rate {
  readonly ms: number;
  readonly kibPerS: number;
}

function rate(bytes: number, ms: number): Rate {
  return { ms, kibPerS: bytes / 1024 / (ms / 1000) };
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? (sorted[mid] ?? 0) : ((sorted[mid - 1] ?? 0) + (sorted[mid] ?? 0)) / 2;
}

function best(rates: readonly Rate[]): Rate {
  return rates.reduce((a, b) => (b.kibPerS > a.kibPerS ? b : a));
}

export async function bench(log: (line: string) => void): Promise<void> {
  const dir = join(packageRoot(), 'build', 'bench-deploy');
  mkdirSync(dir, { recursive: true });
  const board = firmwareBoardOf(TARGET) ?? 'mps2-an386';
  const elf = await ensureFirmware(TARGET, board);
  const ready = readyModule(dir);
  const modules = SIZES.map((size) => ({ size, bytes: padWasm(ready, size, size) }));
  const rounds = Number(process.env.WRT_BENCH_DEPLOY_ROUNDS ?? 3);

  const qemu = await launchQemu(loadTarget(TARGET), { elf, paused: true });
  const client = new ProtocolClient(qemu.transport, { helloTimeoutMs: 15_000, requestTimeoutMs: 10_000 });
  /* For comparison, the same upload with one chunk in flight (what the client did before pipelining). */
  const serial = new ProtocolClient(qemu.transport, { requestTimeoutMs: 10_000, maxInFlightBytes: 1100 });
  const rows: string[][] = [];
  /* The best raw link rate measured (KiB/s): the baseline the end-to-end deploy is printed beside. */
  let linkKibPerS = 0;
  try {
    await qemu.resume();
    const hello = await client.hello();

    /* Bytes, none a delimiter, then one; done when the device's FRAME_TOO_LARGE notice is back. */
    const raw = async (bytes: number): Promise<Rate> => {
      const stream = new Uint8Array(bytes + 2).fill(0x55);
      stream[0] = 0;
      stream[bytes + 1] = 0;
      const notice = new Promise<DeviceErrorInfo>((resolve) => {
        const off = client.onDeviceNotice((info) => {
          off();
          resolve(info);
        });
      });
      /* Written in pieces of one chunk frame's wire size, as the upload writes. */
      const piece = client.chunkBytes() + 26;
      const start = performance.now();
      for (let at = 0; at < stream.length; at += piece) await qemu.transport.write(stream.subarray(at, Math.min(stream.length, at + piece)));
      const info = await notice;
      const ms = performance.now() - start;
      if (info.code !== DeviceErrorCode.FrameTooLarge) {
        throw new WrtError('INTERNAL', `raw transfer: the firmware reported error ${info.code}, not FRAME_TOO_LARGE`);
      }
      return rate(bytes, ms);
    };

    await serial.hello();
    const upload = async (bytes: Uint8Array, by: ProtocolClient = client): Promise<{ rate: Rate; chunks: number }> => {
      const start = performance.now();
      const report = await by.transfer(bytes);
      const done = rate(bytes.length, performance.now() - start);
      /* A second upload of the same bytes would resume at the end: drop the module first. */
      await by.reset();
      return { rate: done, chunks: report.chunks };
    };

    for (const { size, bytes } of modules) {
      const raws: Rate[] = [];
      const uploads: Rate[] = [];
      const serialUploads: Rate[] = [];
      const paired: number[] = [];
      let chunks = 0;
      /* Each round runs all three, in an order that rotates, so a drift in the machine's load hits each. */
      for (let round = 0; round < rounds; round++) {
        let r: Rate | undefined;
        let u: { rate: Rate; chunks: number } | undefined;
        for (let step = 0; step < 3; step++) {
          const which = (round + step) % 3;
          if (which === 0) r = await raw(size);
          else if (which === 1) u = await upload(bytes);
          else serialUploads.push((await upload(bytes, serial)).rate);
        }
        if (r === undefined || u === undefined) throw new WrtError('INTERNAL', 'a bench round skipped a run');
        raws.push(r);
        uploads.push(u.rate);
        paired.push(u.rate.kibPerS / r.kibPerS);
        chunks = u.chunks;
      }
      const r = best(raws);
      const u = best(uploads);
      linkKibPerS = Math.max(linkKibPerS, r.kibPerS);
      rows.push([
        `${size / 1024} KiB`,
        `${r.kibPerS.toFixed(1)} KiB/s (${(r.ms / 1000).toFixed(2)} s)`,
        `${u.kibPerS.toFixed(1)} KiB/s (${(u.ms / 1000).toFixed(2)} s)`,
        `${((u.kibPerS / r.kibPerS) * 100).toFixed(1)} %`,
        `${(median(paired) * 100).toFixed(1)} %`,
        `${((best(serialUploads).kibPerS / r.kibPerS) * 100).toFixed(1)} %`,
        `${chunks} x ${client.chunkBytes()} B, ${client.chunksInFlight()} in flight`,
      ]);
    }
    log(`deploy goodput on ${TARGET} (${hello.deviceId}, max_frame ${hello.maxFrame}), UART over QEMU's socket; ${rounds} rounds of raw + upload (goal: >= 90 %)`);
    for (const line of renderTable(['module', 'raw link (best)', 'upload, verified (best)', 'best / best', 'median of pairs', '1 in flight (best / best)', 'chunks'], rows).split('\n')) log(`  ${line}`);
  } finally {
    serial.close();
    client.close();
    await qemu.stop();
  }

  const firstOutput: string[][] = [];
  for (const [label, file] of [['tiny WASI command', join(dir, 'ready.wasm')] as const, ['wasi hello (clang -O2 -g)', helloWithDebugInfo(dir)] as const]) {
    if (label.startsWith('tiny')) writeFileSync(file, ready);
    const size = readFileSync(file).length;
    const startedAt = performance.now();
    let stdout = '';
    const report = await deploy(file, { target: TARGET, firmware: elf }, { stdout: (b) => (stdout += Buffer.from(b).toString('utf8')), stderr: () => undefined }, { handleSigint: false });
    const first = report.kind === 'ran' ? report.timings.firstOutputMs : undefined;
    if (report.kind !== 'ran' || stdout === '' || first === undefined || report.exitCode !== 0) {
      throw new WrtError('INTERNAL', `deploy of the ${label} did not run to its output (got ${JSON.stringify(stdout)})`);
    }
    const t = report.timings;
    const sent = report.upload.size;
    firstOutput.push([
      `${label}: ${(size / 1024).toFixed(1)} KiB, ${(sent / 1024).toFixed(1)} KiB sent`,
      `${(t.linkMs / 1000).toFixed(2)} s`,
      `${((t.helloMs - t.linkMs) / 1000).toFixed(2)} s`,
      `${((t.uploadedMs - t.uploadStartMs) / 1000).toFixed(2)} s (${(sent / 1024 / ((t.uploadedMs - t.uploadStartMs) / 1000)).toFixed(1)} KiB/s)`,
      `${(first / 1000).toFixed(2)} s`,
      `${((performance.now() - startedAt) / 1000).toFixed(2)} s`,
    ]);
  }
  log(`deploy() end to end on ${TARGET} (one run each, QEMU start included; goal for the hello: < 2 s); raw link: ${linkKibPerS.toFixed(1)} KiB/s`);
  for (const line of renderTable(['module', 'QEMU up', 'HELLO', 'upload', 'first output', 'done'], firstOutput).split('\n')) log(`  ${line}`);
}

/**
 * hil/suites/wasi/hello.c as a user builds it with debug info: ~113 KB, most of it DWARF, which
 * deploy strips before upload (docs/deploy.md).
 */
function helloWithDebugInfo(dir: string): string {
  const out = join(dir, 'hello-g.wasm');
  execFileSync('clang', ['--target=wasm32-wasi', '-O2', '-g', '-o', out, join(packageRoot(), 'hil', 'suites', 'wasi', 'hello.c')]);
  return out;
}
