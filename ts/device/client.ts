/**
 * The host side of docs/protocol.md over any Transport: one request at a time, sequence numbers,
 * resends on timeout and at once when the device reports a broken frame, HELLO retried through a
 * board's boot, chunked uploads that resume from the device's next offset, and OUTPUT/LOG frames
 * delivered to listeners.
 */
import {
  type ComponentAdapterRequest,
  type ComponentInvokeRequest,
  type ComponentInvokeResult,
  type ComponentResourceRequest,
  decodeComponentInvokeResult,
  decodeDefinedIndex,
  encodeComponentAdapter,
  encodeComponentInvoke,
  encodeComponentResource,
} from './component-messages.js';
import { createHash } from 'node:crypto';
import { WrtError } from '../core/errors.js';
import { DeviceError, type DeviceErrorInfo, isDeviceError, protocolError, TIMEOUT_CODE } from './device-errors.js';
import { Deframer, type DeframerEvent, encodeWireFrame, type Frame } from './framing.js';
import {
  decodeEmpty,
  decodeError,
  decodeGlobalValue,
  decodeHello,
  decodeInvokeResult,
  decodeLog,
  decodeNextOffset,
  decodeOutput,
  decodeSession,
  decodeStats,
  decodeUploadEnd,
  EMPTY_BODY,
  encodeArgs,
  encodeInvoke,
  encodeNamed,
  encodeReset,
  encodeSession,
  encodeUploadBegin,
  encodeUploadChunk,
  type HelloInfo,
  type InvokeResult,
  type LogLine,
  type OutputChunk,
  type SessionInfo,
  type UploadBeginRequest,
  type UploadEndAnswer,
  type WireValue,
} from './messages.js';
import {
  DeviceErrorCode,
  Flag,
  Feature,
  FRAME_OVERHEAD,
  MAX_FRAME_LIMIT,
  MessageType,
  messageTypeName,
  MIN_FRAME,
  ResetKind,
  type SessionMode,
} from './protocol.js';
import type { Transport } from './transport.js';
import { type BreakHit, decodeBreak, decodeTrace, encodeBreakpoints, type TraceChunk } from './debug-messages.js';
import { decodeHostCall, decodeHostTrace, encodeHostImports, encodeHostResult, type HostCall, type HostImportDeclaration, type HostResult, type HostTrace } from './host-messages.js';

/** More pages than any device has counters for (each holds up to 32): a bound, not a limit met. */
const MAX_STATS_PAGES = 8;

export interface ProtocolClientOptions {
  /** Wait this long for an answer before resending (default 1000 ms). */
  readonly requestTimeoutMs?: number;
  /** Resends of one request before it fails (default 5). */
  readonly maxResends?: number;
  /** HELLO is resent this often while the device boots (default 15 ms). */
  readonly helloIntervalMs?: number;
  /** HELLO gives up after this long (default 2000 ms; boards may take ~1 s to answer). */
  readonly helloTimeoutMs?: number;
  /**
   * Most request bytes on the link at once (default 3072). An upload keeps as many whole chunk
   * frames in flight as fit (two at a 1024-byte max_frame), so the link does not idle while an
   * answer travels back; some USB-serial stacks deadlock when a large write meets an echoing peer.
   */
  readonly maxInFlightBytes?: number;
  /** First sequence number (default random, so a restarted host does not meet the device's replay memory). */
  readonly initialSeq?: number;
  /**
   * UPLOAD_END (the device decodes, compiles and instantiates the module, running its start
   * function) fails after this long without an answer (default 60 s): a start function with no
   * fuel bound that never returns ends in an error naming --fuel, not a host that waits forever.
   */
  readonly loadTimeoutMs?: number;
}

export interface ClientCounters {
  requests: number;
  resends: number;
  timeouts: number;
  /** Frames that arrived broken (CRC, COBS, length). */
  brokenFrames: number;
  /** Answers to requests no longer waited for (duplicates after a resend). */
  staleAnswers: number;
  /** ERROR frames the device could not attribute (it saw a broken frame). */
  unsolicitedErrors: number;
  /** OUTPUT/LOG frames lost, from gaps in the device's unsolicited sequence. */
  unsolicitedGaps: number;
  /** HOST_CALLs served, and resent HOST_CALLs answered from memory (the first answer was lost). */
  hostCalls: number;
  hostResultsResent: number;
}

/** Serves the device's calls of declared imports; never rejects (a failure is `{ ok: false }`). */
export type HostCallHandler = (call: HostCall) => Promise<HostResult>;

export interface UploadOptions {
  /** Opaque profile blob carried in UPLOAD_BEGIN (default none). */
  readonly profile?: Uint8Array;
  /**
   * Fuel for the module's start function, sent to a device that announces Feature.StartFuel;
   * absent or 0: the profile's budget (a profile's budget is a ceiling either way).
   */
  readonly startFuel?: bigint;
  readonly onProgress?: (nextOffset: number, size: number) => void;
}

export interface UploadReport {
  readonly size: number;
  readonly sha256: string;
  /**
   * Where the device said the upload stood at BEGIN: > 0 when an interrupted upload resumed, the
   * module's size when the device still held it committed and no byte had to travel.
   */
  readonly resumedFrom: number;
  readonly chunks: number;
  readonly bytesSent: number;
}

export interface OutputEvent extends OutputChunk {
  readonly seq: number;
}

interface Pending {
  readonly seq: number;
  /** The device shows it is working on the request (a host call): the timeout starts again, no resend. */
  alive(): void;
  answer(frame: Frame): void;
  broken(): void;
  fail(error: WrtError): void;
}

interface ResendPolicy {
  readonly intervalMs: number;
  readonly maxSends: number;
}

type Listener<T> = (event: T) => void;

export class ProtocolClient {
  readonly counters: ClientCounters = {
    requests: 0,
    resends: 0,
    timeouts: 0,
    brokenFrames: 0,
    staleAnswers: 0,
    unsolicitedErrors: 0,
    unsolicitedGaps: 0,
    hostCalls: 0,
    hostResultsResent: 0,
  };
  private readonly transport: Transport;
  private readonly options: Required<ProtocolClientOptions>;
  private readonly deframer = new Deframer(MAX_FRAME_LIMIT);
  private readonly outputListeners = new Set<Listener<OutputEvent>>();
  private readonly logListeners = new Set<Listener<LogLine>>();
  private readonly noticeListeners = new Set<Listener<DeviceErrorInfo>>();
  private readonly traceListeners = new Set<Listener<HostTrace>>();
  private readonly breakListeners = new Set<Listener<BreakHit>>();
  private readonly debugTraceListeners = new Set<Listener<TraceChunk>>();
  private hostHandler: HostCallHandler | undefined;
  /** The call being served, and the last one answered with its HOST_RESULT body, by "boot:call". */
  private hostCallRunning: string | undefined;
  private hostCallAnswered: { readonly key: string; readonly body: Uint8Array } | undefined;
  private readonly detach: () => void;
  private seq: number;
  /** Requests waiting for their answer, oldest first (more than one only while an upload pipelines chunks). */
  private readonly pending = new Map<number, Pending>();
  private chain: Promise<unknown> = Promise.resolve();
  private lastUnsolicitedSeq: number | undefined;
  private closedReason: string | undefined;
  private info: HelloInfo | undefined;

  constructor(transport: Transport, options: ProtocolClientOptions = {}) {
    this.transport = transport;
    this.options = {
      requestTimeoutMs: options.requestTimeoutMs ?? 1000,
      maxResends: options.maxResends ?? 5,
      helloIntervalMs: options.helloIntervalMs ?? 15,
      helloTimeoutMs: options.helloTimeoutMs ?? 2000,
      maxInFlightBytes: options.maxInFlightBytes ?? 3072,
      initialSeq: options.initialSeq ?? Math.floor(Math.random() * 0x10000),
      loadTimeoutMs: options.loadTimeoutMs ?? 60_000,
    };
    this.seq = this.options.initialSeq & 0xffff;
    this.detach = transport.onData((chunk) => this.receive(chunk));
    void transport.closed.then((closed) => this.shutDown(`link closed: ${closed.reason}`));
  }

  /** What the last HELLO reported, if any. */
  get device(): HelloInfo | undefined {
    return this.info;
  }

  onOutput(listener: Listener<OutputEvent>): () => void {
    this.outputListeners.add(listener);
    return () => this.outputListeners.delete(listener);
  }

  onLog(listener: Listener<LogLine>): () => void {
    this.logListeners.add(listener);
    return () => this.logListeners.delete(listener);
  }

  /** HOST_TRACE frames: host calls as the device saw them end (docs/protocol.md §4c). */
  onHostTrace(listener: Listener<HostTrace>): () => void {
    this.traceListeners.add(listener);
    return () => this.traceListeners.delete(listener);
  }

  /** BREAK frames: breakpoint hits (docs/protocol.md §4d). */
  onBreak(listener: Listener<BreakHit>): () => void {
    this.breakListeners.add(listener);
    return () => this.breakListeners.delete(listener);
  }

  /** TRACE frames: the last function entries after a trap, in chunks (§4d). */
  onDebugTrace(listener: Listener<TraceChunk>): () => void {
    this.debugTraceListeners.add(listener);
    return () => this.debugTraceListeners.delete(listener);
  }

  /**
   * BREAKPOINTS (devices with Feature.Debug): the breakpoint set of the invocations that follow
   * on the loaded module; a load or a RESET clears it. More than the profile's budget is a
   * DEBUG_BUDGET error naming it.
   */
  async setBreakpoints(funcs: readonly number[]): Promise<void> {
    decodeEmpty(await this.request(MessageType.Breakpoints, encodeBreakpoints(funcs)), 'BREAKPOINTS');
  }

  /**
   * Serves HOST_CALLs with `handler` (undefined: stops). A resent call already answered gets the
   * same HOST_RESULT again without running the handler twice; one still running is ignored.
   */
  serveHostCalls(handler: HostCallHandler | undefined): void {
    this.hostHandler = handler;
  }

  /**
   * HOST_IMPORTS (devices with Feature.HostCalls): the imports later uploads may link to the host,
   * and whether the device traces every host call. Holds until a RESET.
   */
  async declareHostImports(imports: readonly HostImportDeclaration[], traceAll: boolean): Promise<void> {
    decodeEmpty(await this.request(MessageType.HostImports, encodeHostImports(imports, traceAll)), 'HOST_IMPORTS');
  }

  /** ERROR frames the device sent on its own: it saw a broken frame. */
  onDeviceNotice(listener: Listener<DeviceErrorInfo>): () => void {
    this.noticeListeners.add(listener);
    return () => this.noticeListeners.delete(listener);
  }

  /** Starts a session; resent every helloIntervalMs until the device answers or helloTimeoutMs pass. */
  async hello(): Promise<HelloInfo> {
    const { helloIntervalMs, helloTimeoutMs } = this.options;
    const policy = { intervalMs: helloIntervalMs, maxSends: Math.max(1, Math.ceil(helloTimeoutMs / helloIntervalMs)) };
    const body = await this.request(MessageType.Hello, EMPTY_BODY, policy);
    this.info = decodeHello(body);
    return this.info;
  }

  async beginUpload(req: UploadBeginRequest): Promise<number> {
    return decodeNextOffset(await this.request(MessageType.UploadBegin, encodeUploadBegin(req)), 'UPLOAD_BEGIN');
  }

  /**
   * One UPLOAD_CHUNK. By default it waits for every request before it, as all requests do;
   * `queued` false (the upload's pipelining) waits only for the queued requests before it, and
   * neither it nor the requests after it wait for each other's answers.
   */
  async sendChunk(offset: number, data: Uint8Array, queued = true): Promise<number> {
    return decodeNextOffset(await this.request(MessageType.UploadChunk, encodeUploadChunk(offset, data), undefined, queued), 'UPLOAD_CHUNK');
  }

  /** UPLOAD_END, waited for at most loadTimeoutMs (resent within it as any request is). */
  async endUpload(): Promise<UploadEndAnswer> {
    const { requestTimeoutMs, loadTimeoutMs } = this.options;
    const intervalMs = Math.min(requestTimeoutMs, loadTimeoutMs);
    try {
      return decodeUploadEnd(await this.request(MessageType.UploadEnd, EMPTY_BODY, { intervalMs, maxSends: Math.max(1, Math.ceil(loadTimeoutMs / intervalMs)) }));
    } catch (error) {
      if (!(error instanceof WrtError) || error.code !== TIMEOUT_CODE) throw error;
      throw new WrtError(
        TIMEOUT_CODE,
        `the device did not finish loading the module within ${loadTimeoutMs / 1000} s (UPLOAD_END): its start function may not return; bound it with --fuel N (or a profile's fuel)`,
        { source: this.transport.description, field: 'UPLOAD_END', limit: `${loadTimeoutMs} ms to decode, compile and start a module` },
        { cause: error },
      );
    }
  }

  /** Module bytes per UPLOAD_CHUNK: one frame, and one frame's wire bytes within maxInFlightBytes. */
  chunkBytes(): number {
    const maxFrame = this.info?.maxFrame ?? MIN_FRAME;
    const byFrame = maxFrame - FRAME_OVERHEAD - 4;
    /* Wire bytes = 2 delimiters + COBS(frame), COBS adding one byte per 254. */
    const byFlight = Math.floor(((this.options.maxInFlightBytes - 3) * 254) / 255) - FRAME_OVERHEAD - 4;
    return Math.max(1, Math.min(byFrame, byFlight));
  }

  /** UPLOAD_CHUNK requests an upload keeps in flight: as many full chunk frames as maxInFlightBytes holds. */
  chunksInFlight(): number {
    return Math.max(1, Math.floor(this.options.maxInFlightBytes / chunkWireBytes(this.chunkBytes())));
  }

  /**
   * Uploads a module: BEGIN (resuming a matching interrupted upload, or reusing the committed
   * module's bytes when they are the same module with the same profile), chunks from the device's
   * next offset, END; checks the digest the device committed. Reused bytes that no longer hash
   * right at END (the device dropped them) are sent again whole, once.
   */
  async transfer(module: Uint8Array, options: UploadOptions = {}): Promise<UploadReport> {
    if (this.info === undefined) await this.hello();
    const sha256 = new Uint8Array(createHash('sha256').update(module).digest());
    const size = module.length;
    const startFuel = options.startFuel !== undefined && options.startFuel > 0n && ((this.info?.features ?? 0) & Feature.StartFuel) !== 0 ? options.startFuel : undefined;
    const begin = { size, sha256, profile: options.profile ?? EMPTY_BODY, ...(startFuel === undefined ? {} : { startFuel }) };
    let resumedFrom = await this.beginUpload(begin);
    let sent = await this.sendChunks(module, resumedFrom, options);
    let end: UploadEndAnswer;
    try {
      end = await this.endUpload();
    } catch (error) {
      if (sent.bytesSent > 0 || resumedFrom !== size || !isDeviceError(error, DeviceErrorCode.HashMismatch)) throw error;
      resumedFrom = await this.beginUpload(begin);
      sent = await this.sendChunks(module, resumedFrom, options);
      end = await this.endUpload();
    }
    const expected = Buffer.from(sha256).toString('hex');
    const committed = Buffer.from(end.sha256).toString('hex');
    if (end.size !== size || committed !== expected) {
      throw protocolError(`device committed ${end.size} bytes with SHA-256 ${committed}, expected ${size} bytes ${expected}`, {
        field: 'sha256',
      });
    }
    return { size, sha256: expected, resumedFrom, ...sent };
  }

  /** UPLOAD_CHUNKs of `module` from the device's `next` offset to its end. */
  private async sendChunks(module: Uint8Array, from: number, options: UploadOptions): Promise<{ readonly chunks: number; readonly bytesSent: number }> {
    const size = module.length;
    const chunk = this.chunkBytes();
    const window = this.chunksInFlight();
    let next = from;
    let chunks = 0;
    let bytesSent = 0;
    /*
     * Chunks go out back to back, up to `window` unanswered, each from where the previous one ends.
     * The device takes them in order, so normally every answer is the next chunk's offset. A chunk
     * it refused (UPLOAD_GAP: an earlier one was lost) or an answer behind the plan ends the
     * batch: the rest are awaited and sending restarts from the furthest offset the device named.
     */
    const maxRounds = Math.ceil(size / chunk) * 4 + 16;
    let rounds = 0;
    while (next < size) {
      const inFlight: { readonly end: number; readonly answer: Promise<number | undefined> }[] = [];
      let planned = next;
      let behind = false;
      let failure: unknown;
      const settleOldest = async (): Promise<void> => {
        const oldest = inFlight.shift();
        if (oldest === undefined) return;
        const answered = await oldest.answer.catch((error: unknown) => {
          failure ??= error;
          return undefined;
        });
        if (answered === undefined) {
          behind = true;
          return;
        }
        if (answered < oldest.end) behind = true;
        next = Math.max(next, answered);
        options.onProgress?.(next, size);
      };
      while (!behind && failure === undefined && (planned < size || inFlight.length > 0)) {
        while (planned < size && inFlight.length < window) {
          if (++rounds > maxRounds) {
            throw protocolError(`upload makes no progress at offset ${next}`, { offset: next, limit: `${maxRounds} chunks` });
          }
          const data = module.subarray(planned, Math.min(size, planned + chunk));
          const end = planned + data.length;
          const answer = this.sendChunk(planned, data, false).then(
            (answered) => {
              chunks++;
              bytesSent += data.length;
              if (answered > size) {
                throw protocolError(`device reports next offset ${answered} past the module`, { offset: answered, limit: `${size}` });
              }
              return answered;
            },
            (error: unknown) => {
              if (!isDeviceError(error, DeviceErrorCode.UploadGap)) throw error;
              return error.device.detail;
            },
          );
          /* Awaited in order below; a rejection is read there. */
          answer.catch(() => undefined);
          inFlight.push({ end, answer });
          planned = end;
        }
        await settleOldest();
      }
      while (inFlight.length > 0) await settleOldest();
      if (failure !== undefined) throw failure;
    }
    return { chunks, bytesSent };
  }

  async invoke(name: string, args: readonly WireValue[] = [], options: { fuel?: bigint } = {}): Promise<InvokeResult> {
    const body = encodeInvoke({ name, args, fuel: options.fuel });
    return decodeInvokeResult(await this.request(MessageType.Invoke, body));
  }

  /** COMPONENT_RESOURCE (§4f): the resource type's index, or the built-in's adapter index. */
  async componentResource(req: ComponentResourceRequest): Promise<number> {
    return decodeDefinedIndex(await this.request(MessageType.ComponentResource, encodeComponentResource(req)), 'COMPONENT_RESOURCE');
  }

  /** COMPONENT_ADAPTER (§4f): the new adapter's index. */
  async componentAdapter(req: ComponentAdapterRequest): Promise<number> {
    return decodeDefinedIndex(await this.request(MessageType.ComponentAdapter, encodeComponentAdapter(req)), 'COMPONENT_ADAPTER');
  }

  /** COMPONENT_INVOKE (docs/protocol.md §4e, devices with Feature.Component). */
  async componentInvoke(req: ComponentInvokeRequest): Promise<ComponentInvokeResult> {
    return decodeComponentInvokeResult(await this.request(MessageType.ComponentInvoke, encodeComponentInvoke(req)));
  }

  /** Every counter: one frame holds about 32, so the device answers in pages (docs/protocol.md, STATS). */
  async stats(): Promise<ReadonlyMap<string, bigint>> {
    const all = new Map<string, bigint>();
    for (let page = 0; page < MAX_STATS_PAGES; page++) {
      const body = all.size === 0 ? EMPTY_BODY : Uint8Array.of(all.size & 0xff, all.size >> 8);
      const counters = decodeStats(await this.request(MessageType.Stats, body));
      if (counters.size === 0) break;
      for (const [name, value] of counters) all.set(name, value);
    }
    return all;
  }

  /**
   * SESSION (docs/protocol.md §4a, devices with feature bit 6): without a mode it only asks; with
   * SessionMode.Keep every later upload becomes one more instance of the session.
   */
  async session(mode?: SessionMode, features?: number): Promise<SessionInfo> {
    return decodeSession(await this.request(MessageType.Session, encodeSession(mode, features)));
  }

  /** INVOKE on one instance of a session (0 = the latest). */
  async invokeOn(instance: number, name: string, args: readonly WireValue[] = [], options: { fuel?: bigint } = {}): Promise<InvokeResult> {
    const body = encodeInvoke({ name, args, fuel: options.fuel, instance });
    return decodeInvokeResult(await this.request(MessageType.Invoke, body));
  }

  /** REGISTER: later uploads of the session may import the instance's exports from `name`. */
  async register(instance: number, name: string): Promise<void> {
    decodeEmpty(await this.request(MessageType.Register, encodeNamed(instance, name)), 'REGISTER');
  }

  /** GLOBAL_GET: the value of an exported global of an instance (0 = the latest). */
  async globalGet(instance: number, name: string): Promise<WireValue> {
    return decodeGlobalValue(await this.request(MessageType.GlobalGet, encodeNamed(instance, name)));
  }

  /**
   * The WASI argv and environment of the invocations that follow (ARGS, docs/protocol.md §4b),
   * until a RESET; a device without Feature.Args answers TYPE_UNKNOWN.
   */
  async setArgs(argv: readonly string[], env: Readonly<Record<string, string>> = {}): Promise<void> {
    decodeEmpty(await this.request(MessageType.Args, encodeArgs(argv, env)), 'ARGS');
  }

  /** Answered before the device resets; HELLO afterwards shows a new boot id. */
  async reset(kind: ResetKind = ResetKind.Session): Promise<void> {
    await this.request(MessageType.Reset, encodeReset(kind));
  }

  /** Stops listening to the transport (the transport stays open) and fails a waiting request. */
  close(): void {
    this.detach();
    this.shutDown('client closed');
  }

  /*
   * A HOST_CALL arrives while the INVOKE that made it waits: the call shows the device is alive, so
   * the INVOKE's timeout starts again. HOST_RESULT is not a request: it has no answer of its own
   * (the device's next frame is), so it is written straight to the link, with the next sequence number.
   */
  private hostCall(call: HostCall): void {
    for (const waiting of this.pending.values()) waiting.alive();
    const key = `${call.bootId}:${call.callId}`;
    if (this.hostCallAnswered?.key === key) {
      this.counters.hostResultsResent++;
      this.sendHostResult(this.hostCallAnswered.body);
      return;
    }
    const handler = this.hostHandler;
    if (this.hostCallRunning === key || handler === undefined) return;
    this.hostCallRunning = key;
    void handler(call)
      .catch((): HostResult => ({ ok: false }))
      .then((result) => {
        let body: Uint8Array;
        try {
          body = encodeHostResult(call.bootId, call.callId, result);
        } catch {
          body = encodeHostResult(call.bootId, call.callId, { ok: false });
        }
        this.hostCallRunning = undefined;
        this.hostCallAnswered = { key, body };
        this.counters.hostCalls++;
        this.sendHostResult(body);
      });
  }

  private sendHostResult(body: Uint8Array): void {
    if (this.closedReason !== undefined) return;
    const seq = this.seq;
    this.seq = (this.seq + 1) & 0xffff;
    this.transport.write(encodeWireFrame({ type: MessageType.HostResult, flags: 0, seq }, body, true)).catch(() => undefined);
  }

  private shutDown(reason: string): void {
    this.closedReason ??= reason;
    for (const waiting of [...this.pending.values()]) waiting.fail(protocolError(reason, { source: this.transport.description }));
  }

  private async request(type: number, body: Uint8Array, policy?: ResendPolicy, queued = true): Promise<Uint8Array> {
    const resend = policy ?? { intervalMs: this.options.requestTimeoutMs, maxSends: this.options.maxResends + 1 };
    const frame = await this.exchange(type, body, resend, queued);
    if (frame.type === MessageType.Error) throw new DeviceError(decodeError(frame.body), this.transport.description);
    if (frame.type !== type) {
      throw protocolError(`device answered ${messageTypeName(type)} with ${messageTypeName(frame.type)}`, {
        source: this.transport.description,
        field: 'type',
      });
    }
    return frame.body;
  }

  /**
   * Sends one request and settles with its answer frame: queued behind the previous requests, or
   * (`queued` false) once the queued ones before it are done, without holding back later ones.
   */
  private exchange(type: number, body: Uint8Array, policy: ResendPolicy, queued: boolean): Promise<Frame> {
    const run = (): Promise<Frame> =>
      new Promise<Frame>((resolve, reject) => {
        if (this.closedReason !== undefined) {
          reject(protocolError(this.closedReason, { source: this.transport.description }));
          return;
        }
        const seq = this.seq;
        this.seq = (this.seq + 1) & 0xffff;
        const wire = encodeWireFrame({ type, flags: 0, seq }, body, true);
        const maxFrame = this.info?.maxFrame ?? MIN_FRAME;
        if (body.length + FRAME_OVERHEAD > maxFrame) {
          reject(
            new WrtError('LIMIT_EXCEEDED', `${messageTypeName(type)} request of ${body.length + FRAME_OVERHEAD} bytes`, {
              field: 'max_frame',
              limit: `${maxFrame} bytes`,
              source: this.transport.description,
            }),
          );
          return;
        }
        this.counters.requests++;
        let sends = 0;
        let brokenSinceSend = false;
        let timer: NodeJS.Timeout | undefined;
        const settle = (): void => {
          clearTimeout(timer);
          this.pending.delete(seq);
        };
        const send = (): void => {
          if (sends >= policy.maxSends) {
            settle();
            reject(
              new WrtError(TIMEOUT_CODE, `no answer to ${messageTypeName(type)} after ${sends} sends`, {
                source: this.transport.description,
                field: messageTypeName(type),
                limit: `${policy.intervalMs} ms per send`,
              }),
            );
            return;
          }
          if (sends > 0) this.counters.resends++;
          sends++;
          brokenSinceSend = false;
          clearTimeout(timer);
          timer = setTimeout(() => {
            this.counters.timeouts++;
            send();
          }, policy.intervalMs);
          this.transport.write(wire).catch((error: unknown) => {
            settle();
            reject(protocolError(`cannot write to the link: ${String(error)}`, { source: this.transport.description }));
          });
        };
        this.pending.set(seq, {
          seq,
          alive: () => {
            sends = 1;
            clearTimeout(timer);
            timer = setTimeout(() => {
              this.counters.timeouts++;
              send();
            }, policy.intervalMs);
          },
          answer: (frame) => {
            settle();
            resolve(frame);
          },
          broken: () => {
            /* One early resend per send: a burst of broken frames must not start a storm. */
            if (brokenSinceSend) return;
            brokenSinceSend = true;
            send();
          },
          fail: (error) => {
            settle();
            reject(error);
          },
        });
        send();
      });
    if (!queued) return this.chain.then(run, run);
    const result = this.chain.then(run, run);
    this.chain = result.catch(() => undefined);
    return result;
  }

  /*
   * A broken frame cannot be attributed: the oldest waiting request is resent at once (with chunks
   * pipelined, the damaged one is most likely the oldest; the others' answers or timeouts follow).
   */
  private oldestPending(): Pending | undefined {
    return this.pending.values().next().value;
  }

  private receive(chunk: Uint8Array): void {
    for (const event of this.deframer.push(chunk)) this.handle(event);
  }

  private handle(event: DeframerEvent): void {
    if (event.kind === 'broken') {
      this.counters.brokenFrames++;
      this.oldestPending()?.broken();
      return;
    }
    const frame = event.frame;
    if ((frame.flags & Flag.Response) !== 0) {
      const waiting = this.pending.get(frame.seq);
      if (waiting !== undefined) waiting.answer(frame);
      else this.counters.staleAnswers++;
      return;
    }
    if ((frame.flags & Flag.Unsolicited) === 0) return;
    if (this.lastUnsolicitedSeq !== undefined) {
      const gap = (frame.seq - this.lastUnsolicitedSeq - 1) & 0xffff;
      /* A huge "gap" is a device reset restarting its counter, not loss. */
      if (gap > 0 && gap < 0x8000) this.counters.unsolicitedGaps += gap;
    }
    this.lastUnsolicitedSeq = frame.seq;
    try {
      if (frame.type === MessageType.Output) {
        const output = decodeOutput(frame.body);
        for (const listener of this.outputListeners) listener({ ...output, seq: frame.seq });
      } else if (frame.type === MessageType.Log) {
        const line = decodeLog(frame.body);
        for (const listener of this.logListeners) listener(line);
      } else if (frame.type === MessageType.HostCall) {
        this.hostCall(decodeHostCall(frame.body));
      } else if (frame.type === MessageType.HostTrace) {
        const trace = decodeHostTrace(frame.body);
        for (const listener of this.traceListeners) listener(trace);
      } else if (frame.type === MessageType.Break) {
        const hit = decodeBreak(frame.body);
        for (const listener of this.breakListeners) listener(hit);
      } else if (frame.type === MessageType.Trace) {
        const chunk = decodeTrace(frame.body);
        for (const listener of this.debugTraceListeners) listener(chunk);
      } else if (frame.type === MessageType.Error) {
        const notice = decodeError(frame.body);
        this.counters.unsolicitedErrors++;
        for (const listener of this.noticeListeners) listener(notice);
        this.oldestPending()?.broken();
      }
    } catch (error) {
      if (!(error instanceof WrtError)) throw error;
      this.counters.brokenFrames++;
    }
  }
}

/** Bytes one UPLOAD_CHUNK frame of `chunk` module bytes puts on the wire: COBS adds 1 per 254, plus 2 delimiters. */
function chunkWireBytes(chunk: number): number {
  const frame = FRAME_OVERHEAD + 4 + chunk;
  return frame + Math.ceil(frame / 254) + 2;
}
