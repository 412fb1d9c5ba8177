import { createHash } from 'node:crypto';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { packageRoot } from '../../ts/core/paths.js';
import { type WireValue, encodeArgs, encodeInvoke, encodeNamed, encodeReset, encodeSession, EMPTY_BODY } from '../../ts/device/messages.js';
import { MessageType } from '../../ts/device/protocol.js';
import { resolveUploadProfile } from '../../ts/profile/upload-profile.js';
import { convertTestsuite } from '../../ts/testsuite/convert.js';
import { isValidWasm, validateWasm } from '../../ts/wasm/validate.js';

/**
 * The seed corpora of the libFuzzer targets (native/fuzz): the spec testsuite's modules, and the
 * byte vectors the protocol and profile tests use, in the input format each target reads.
 */

export type Seed = { readonly name: string; readonly bytes: Uint8Array };

/** Every .wasm the testsuite's scripts name: valid, invalid and malformed modules alike. */
export function testsuiteModules(): Seed[] {
  const seeds: Seed[] = [];
  for (const script of convertTestsuite()) {
    for (const file of readdirSync(script.dir).filter((f) => f.endsWith('.wasm')).sort()) {
      seeds.push({ name: `${script.name}-${file}`, bytes: readFileSync(join(script.dir, file)) });
    }
  }
  return seeds;
}

/** One record of the protocol target's input (native/fuzz/wrt_fuzz_protocol.c). */
function record(kind: 0 | 1 | 2, bytes: Uint8Array): Uint8Array {
  const out = new Uint8Array(3 + bytes.length);
  out[0] = kind;
  out[1] = bytes.length & 0xff;
  out[2] = (bytes.length >> 8) & 0xff;
  out.set(bytes, 3);
  return out;
}

function frame(type: number, body: Uint8Array): Uint8Array {
  return record(1, Uint8Array.of(type, ...body));
}

function concat(parts: readonly Uint8Array[]): Uint8Array {
  return Uint8Array.from(parts.flatMap((p) => [...p]));
}

function hex(text: string): Uint8Array {
  return text === '-' ? new Uint8Array(0) : Uint8Array.from(Buffer.from(text, 'hex'));
}

interface ProtocolVectors {
  readonly frames: readonly { readonly wire: string }[];
  readonly invoke: readonly { readonly body: string }[];
  readonly invoke_on: readonly { readonly body: string }[];
  readonly session: readonly { readonly request: string }[];
  readonly named: readonly { readonly body: string }[];
}

/** Small valid modules without imports: they load on the fuzzed device, and their exports run. */
function runnableModules(modules: readonly Seed[], count: number): Seed[] {
  return modules
    .filter((m) => m.bytes.length <= 2048 && isValidWasm(m.bytes) && validateWasm(m.bytes).imports.length === 0)
    .slice(0, count);
}

/**
 * Sessions as a host runs them: HELLO, an upload, an INVOKE of every exported function with
 * zero-valued arguments of its types; then the message vectors of test/protocol/vectors.json as
 * frames, and the wire bytes of its frames as raw input.
 */
export function protocolSeeds(modules: readonly Seed[]): Seed[] {
  const vectors = JSON.parse(readFileSync(join(packageRoot(), 'test', 'protocol', 'vectors.json'), 'utf8')) as ProtocolVectors;
  const hello = frame(MessageType.Hello, EMPTY_BODY);
  const seeds: Seed[] = runnableModules(modules, 40).map((m) => {
    const invokes = validateWasm(m.bytes)
      .exports.filter((e) => e.signature !== null)
      .map((e) =>
        frame(
          MessageType.Invoke,
          encodeInvoke({
            name: e.name,
            fuel: 1000n,
            args: (e.signature?.params ?? []).map((type) => zeroValue(type)),
          }),
        ),
      );
    return { name: `session-${m.name}`, bytes: concat([hello, record(2, m.bytes), ...invokes]) };
  });
  const messages = [
    ...vectors.invoke.map((v) => frame(MessageType.Invoke, hex(v.body))),
    ...vectors.invoke_on.map((v) => frame(MessageType.Invoke, hex(v.body))),
    ...vectors.session.map((v) => frame(MessageType.Session, hex(v.request))),
    ...vectors.named.flatMap((v) => [frame(MessageType.Register, hex(v.body)), frame(MessageType.GlobalGet, hex(v.body))]),
    frame(MessageType.Session, encodeSession(1)),
    frame(MessageType.Register, encodeNamed(1, 'm')),
    frame(MessageType.Args, encodeArgs(['prog', 'x'], { HOME: '/' })),
    frame(MessageType.Stats, EMPTY_BODY),
    frame(MessageType.Reset, encodeReset(0)),
  ];
  seeds.push({ name: 'messages', bytes: concat([hello, ...messages]) });
  vectors.frames.forEach((v, i) => seeds.push({ name: `wire-${i}`, bytes: concat([record(0, hex(v.wire)), hello]) }));
  return seeds;
}

function zeroValue(type: string): WireValue {
  switch (type) {
    case 'i64':
      return { type: 'i64', value: 0n };
    case 'f32':
      return { type: 'f32', bits: 0 };
    case 'f64':
      return { type: 'f64', bits: 0n };
    case 'funcref':
      return { type: 'funcref', index: null };
    case 'externref':
      return { type: 'externref', index: null };
    default:
      return { type: 'i32', value: 0 };
  }
}

/**
 * Profiles the compiler writes for small modules, for native-sim and a Cortex-M board, at every
 * ASIL level; each twice, with the target's first byte asking for the CRC to be kept (0) and
 * rewritten (1).
 */
export async function profileSeeds(modules: readonly Seed[]): Promise<Seed[]> {
  const seeds: Seed[] = [];
  const targets = ['native-sim', 'qemu-mps2-an386'];
  const levels = ['QM', 'A', 'B', 'C', 'D'] as const;
  for (const m of runnableModules(modules, 4)) {
    for (const targetId of targets) {
      for (const level of levels) {
        const profile = await resolveUploadProfile({
          file: m.name,
          module: m.bytes,
          targetId,
          asil: { level, source: 'fuzz seed' },
          env: {},
          cwd: packageRoot(),
        }).catch(() => undefined);
        if (profile === undefined) continue;
        const key = createHash('sha256').update(profile.bytes).digest('hex').slice(0, 12);
        seeds.push({ name: `${targetId}-${level}-${key}-0`, bytes: Uint8Array.of(0, ...profile.bytes) });
        seeds.push({ name: `${targetId}-${level}-${key}-1`, bytes: Uint8Array.of(1, ...profile.bytes) });
      }
    }
  }
  return seeds;
}
