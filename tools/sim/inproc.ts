/**
 * native-sim in process (native/sim/sim_inproc.c, build/native-sim/libwrt-sim.so loaded with koffi):
 * a Transport whose far end is the device's protocol server in this process instead of a
 * native-sim child on a pipe. Every frame still goes through the server, so a DeviceSession over it
 * runs the device code of a native-sim session; what it leaves out is the process and the pipe.
 * Dev tooling (koffi is a dev dependency), used by `npm run conformance:component-run --
 * --in-process` and its test.
 *
 * One device a process (the library's state is static): opening a second transport while one is
 * open fails. A request runs inside the write that completes it, on this thread, so the device
 * cannot wait for a host answer: it offers no host imports and a HOST_CALL fails at once.
 */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import koffi from 'koffi';
import { WrtError } from '../../ts/core/errors.js';
import { packageRoot } from '../../ts/core/paths.js';
import { underFlock } from '../../ts/deploy/firmware.js';
import type { Transport, TransportClosed } from '../../ts/device/transport.js';

interface InProcessSim {
  readonly path: string;
  open(argc: number, argv: readonly string[], why: Uint8Array, whyCap: number): number;
  exchange(bytes: Uint8Array | null, len: number): number;
  take(out: Uint8Array, cap: number): number;
  close(): void;
}

/** Where make puts the library (native/sim's Makefile, target `inproc`). */
export function inProcessSimPath(): string {
  return join(packageRoot(), 'build', 'native-sim', 'libwrt-sim.so');
}

/**
 * Brings the library up to date with make under the lock the tests take for native/sim
 * (build/native-sim.lock): make is incremental, so this is cheap when nothing changed.
 */
export function buildInProcessSim(): void {
  const root = packageRoot();
  const make = ['make', '-s', '-C', join(root, 'native', 'sim'), 'inproc'];
  const [command = 'make', ...args] = underFlock(join(root, 'build', 'native-sim.lock'), make);
  try {
    execFileSync(command, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  } catch (error) {
    const out = error as { stderr?: Buffer; stdout?: Buffer; code?: string };
    if (out.code === 'ENOENT') throw new WrtError('TOOL_MISSING', 'make is not installed (Debian package make)', { field: 'make' });
    const detail = `${out.stdout?.toString() ?? ''}${out.stderr?.toString() ?? ''}`.trim();
    throw new WrtError('INTERNAL', `building native-sim in process failed: ${detail}`, { file: join(root, 'native', 'sim') });
  }
}

let loaded: InProcessSim | undefined;

function load(): InProcessSim {
  if (loaded !== undefined) return loaded;
  const path = inProcessSimPath();
  if (!existsSync(path)) {
    throw new WrtError('TOOL_MISSING', `${path} is not built; run make -C native/sim inproc`, { file: path });
  }
  const lib = koffi.load(path);
  const fn = <T>(definition: string): T => lib.func(definition) as unknown as T;
  loaded = {
    path,
    open: fn('int wrt_sim_inproc_open(int argc, const char **argv, _Out_ uint8_t *why, size_t why_cap)'),
    exchange: fn('long wrt_sim_inproc_exchange(const uint8_t *bytes, size_t len)'),
    take: fn('size_t wrt_sim_inproc_take(_Out_ uint8_t *out, size_t cap)'),
    close: fn('void wrt_sim_inproc_close(void)'),
  };
  return loaded;
}

const TAKE_CHUNK = 64 * 1024;
/** How often the server's clock-driven work (its idle timeout) gets a turn while the host is idle. */
const TICK_MS = 20;

class InProcessSimTransport implements Transport {
  readonly description = 'native-sim (in process)';
  readonly closed: Promise<TransportClosed>;
  private readonly listeners = new Set<(chunk: Uint8Array) => void>();
  private resolveClosed: (closed: TransportClosed) => void = () => undefined;
  private isClosed = false;
  private readonly ticker: NodeJS.Timeout;

  constructor(private readonly sim: InProcessSim) {
    this.closed = new Promise((resolve) => {
      this.resolveClosed = resolve;
    });
    this.ticker = setInterval(() => this.pump(null), TICK_MS);
    this.ticker.unref();
  }

  write(bytes: Uint8Array): Promise<void> {
    if (this.isClosed) return Promise.reject(new Error(`${this.description}: closed`));
    const copy = bytes.slice();
    // Asynchronous as on a real link: the answer arrives after write() returned.
    setImmediate(() => this.pump(copy));
    return Promise.resolve();
  }

  onData(listener: (chunk: Uint8Array) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  close(): Promise<void> {
    this.end('closed by the host');
    return this.closed.then(() => undefined);
  }

  private pump(bytes: Uint8Array | null): void {
    if (this.isClosed) return;
    let pending = this.sim.exchange(bytes, bytes?.length ?? 0);
    if (pending < 0) {
      this.end('the in-process device dropped the link (its output buffer overflowed or a write failed)');
      return;
    }
    while (pending > 0) {
      const chunk = new Uint8Array(Math.min(TAKE_CHUNK, pending));
      const n = this.sim.take(chunk, chunk.length);
      pending -= n;
      if (n === 0) break;
      for (const listener of this.listeners) listener(chunk.subarray(0, n));
    }
  }

  private end(reason: string): void {
    if (this.isClosed) return;
    this.isClosed = true;
    clearInterval(this.ticker);
    this.sim.close();
    this.resolveClosed({ reason });
  }
}

/**
 * Opens the in-process device with native-sim's command line (`nativeSimArgs` and the extra
 * region caps): DeviceLink's openTransport. A bad option or an arena that cannot be had throws,
 * as native-sim would exit 2 or 3.
 */
export function openInProcessSim(args: readonly string[]): Transport {
  const sim = load();
  const why = new Uint8Array(256);
  const status = sim.open(args.length, args, why, why.length);
  if (status !== 0) {
    const text = new TextDecoder().decode(why.subarray(0, Math.max(0, why.indexOf(0))));
    throw new WrtError(status === 2 ? 'VALUE_INVALID' : 'MEMORY_ADAPTER_FAILED', `native-sim in process: ${text}`, { field: 'native-sim options' });
  }
  return new InProcessSimTransport(sim);
}
