/**
 * The WebAssembly module signatures format (tool-conventions Signatures.md) as wasmsign2 reads and
 * writes it: a custom section named `signature`, first in the module, whose payload is
 * spec_version, content_type, hash_fn (each a varuint7, all 0x01), then length-prefixed signed
 * hash sets, each holding SHA-256 hashes and length-prefixed signatures (key id, algorithm 0x01 =
 * Ed25519, signature). The signed message is "wasmsig" ‖ 0x01 ‖ 0x01 ‖ 0x01 ‖ hashes. Keys are
 * 0x01 ‖ public key (33 bytes) and 0x81 ‖ seed ‖ public key (65 bytes). Pure: bytes in, bytes out.
 */
import { WrtError } from '../core/errors.js';
import { encodeUleb } from '../wasm/leb128.js';
import { Reader } from '../wasm/reader.js';

export const SIGNATURE_SECTION = 'signature';
export const SPEC_VERSION = 0x01;
export const CONTENT_TYPE_MODULE = 0x01;
export const HASH_SHA256 = 0x01;
export const ALGORITHM_ED25519 = 0x01;
export const PUBLIC_KEY_ID = 0x01;
export const KEY_PAIR_ID = 0x81;
export const HASH_BYTES = 32;
export const ED25519_KEY_BYTES = 32;
export const ED25519_SIGNATURE_BYTES = 64;
const DOMAIN = 'wasmsig';
/** wasmsign2's bounds: a section claiming more is refused before anything is allocated for it. */
const MAX_HASH_SETS = 64;
const MAX_HASHES = 64;
const MAX_SIGNATURES = 256;

export interface SignatureEntry {
  /** Public key identifier (empty: none). */
  readonly keyId: Uint8Array;
  readonly algorithm: number;
  readonly signature: Uint8Array;
}

export interface SignedHashes {
  readonly hashes: readonly Uint8Array[];
  readonly signatures: readonly SignatureEntry[];
}

export interface SignatureData {
  readonly hashFunction: number;
  readonly sets: readonly SignedHashes[];
}

function concat(parts: readonly (Uint8Array | readonly number[])[]): Uint8Array {
  return Uint8Array.from(Buffer.concat(parts.map((p) => (p instanceof Uint8Array ? p : Uint8Array.from(p)))));
}

function slice(bytes: Uint8Array): Uint8Array {
  return concat([encodeUleb(bytes.length), bytes]);
}

/** The bytes an Ed25519 signature covers for these hashes. */
export function signedMessage(hashes: readonly Uint8Array[]): Uint8Array {
  return concat([Buffer.from(DOMAIN, 'latin1'), [SPEC_VERSION, CONTENT_TYPE_MODULE, HASH_SHA256], ...hashes]);
}

export function encodeSignatureData(data: SignatureData): Uint8Array {
  const sets = data.sets.map((set) =>
    slice(
      concat([
        encodeUleb(set.hashes.length),
        ...set.hashes,
        encodeUleb(set.signatures.length),
        ...set.signatures.map((s) => slice(concat([slice(s.keyId), [s.algorithm], slice(s.signature)]))),
      ]),
    ),
  );
  return concat([[SPEC_VERSION, CONTENT_TYPE_MODULE, data.hashFunction], encodeUleb(data.sets.length), ...sets]);
}

/**
 * Decodes a `signature` section payload found at file offset `base`; SIGNATURE_INVALID naming the
 * byte offset when malformed.
 */
export function decodeSignatureData(payload: Uint8Array, file: string, base = 0): SignatureData {
  const r = new Reader({
    fail(_code, message, offset): never {
      throw new WrtError('SIGNATURE_INVALID', `malformed signature section: ${message}`, { file, field: 'signature section', offset });
    },
  });
  const bad = (message: string, offset = r.offset): never => r.malformed(message, offset);
  r.bind(payload, 0, payload.length, base, true);
  r.endMessage = 'it ends inside a field';
  const version = r.u8();
  if (version !== SPEC_VERSION) bad(`specification version ${version}, this tool reads ${SPEC_VERSION}`, base);
  const content = r.u8();
  if (content !== CONTENT_TYPE_MODULE) bad(`content type ${content}, a module is ${CONTENT_TYPE_MODULE}`, base + 1);
  const hashFunction = r.u8();
  if (hashFunction !== HASH_SHA256) bad(`hash function ${hashFunction}, only SHA-256 (${HASH_SHA256}) is known`, base + 2);
  const setCount = r.u32();
  if (setCount > MAX_HASH_SETS) bad(`${setCount} signed hash sets, at most ${MAX_HASH_SETS}`);
  const sets: SignedHashes[] = [];
  for (let i = 0; i < setCount; i += 1) {
    const setBytes = r.u32();
    const setEnd = r.pos + setBytes;
    r.need(setEnd - r.pos);
    const hashCount = r.u32();
    if (hashCount > MAX_HASHES) bad(`${hashCount} hashes in a set, at most ${MAX_HASHES}`);
    const hashes: Uint8Array[] = [];
    for (let h = 0; h < hashCount; h += 1) hashes.push(r.bytes(HASH_BYTES));
    const signatureCount = r.u32();
    if (signatureCount > MAX_SIGNATURES) bad(`${signatureCount} signatures in a set, at most ${MAX_SIGNATURES}`);
    const signatures: SignatureEntry[] = [];
    for (let s = 0; s < signatureCount; s += 1) {
      const entryBytes = r.u32();
      const entryEnd = r.pos + entryBytes;
      r.need(entryEnd - r.pos);
      const keyId = r.bytes(r.u32());
      const algorithm = r.u8();
      const signature = r.bytes(r.u32());
      if (r.pos !== entryEnd) bad('a signature entry does not end where its length says');
      signatures.push({ keyId, algorithm, signature });
    }
    if (r.pos !== setEnd) bad('a signed hash set does not end where its length says');
    sets.push({ hashes, signatures });
  }
  if (r.pos !== payload.length) bad('bytes after the last signed hash set');
  return { hashFunction, sets };
}

/** 0x01 ‖ 32-byte Ed25519 public key. */
export function encodePublicKey(publicKey: Uint8Array): Uint8Array {
  return concat([[PUBLIC_KEY_ID], publicKey]);
}

/** 0x81 ‖ 32-byte seed ‖ 32-byte public key (wasmsign2's key pair). */
export function encodeKeyPair(seed: Uint8Array, publicKey: Uint8Array): Uint8Array {
  return concat([[KEY_PAIR_ID], seed, publicKey]);
}

function keyError(file: string, what: string, expected: string): WrtError {
  return new WrtError('KEY_INVALID', `${what}: expected ${expected}; make one with \`wrt-target keygen --out KEY\``, { file, field: 'key' });
}

export function decodePublicKey(bytes: Uint8Array, file: string): Uint8Array {
  if (bytes.length === 1 + 2 * ED25519_KEY_BYTES && bytes[0] === KEY_PAIR_ID) {
    throw keyError(file, 'this is a secret key pair (0x81), not a public key', 'the .pub file');
  }
  if (bytes.length !== 1 + ED25519_KEY_BYTES || bytes[0] !== PUBLIC_KEY_ID) {
    throw keyError(file, `not an Ed25519 public key (${bytes.length} bytes, first byte 0x${(bytes[0] ?? 0).toString(16)})`, `${1 + ED25519_KEY_BYTES} bytes starting with 0x01`);
  }
  return bytes.subarray(1);
}

export function decodeKeyPair(bytes: Uint8Array, file: string): { seed: Uint8Array; publicKey: Uint8Array } {
  if (bytes.length === 1 + ED25519_KEY_BYTES && bytes[0] === PUBLIC_KEY_ID) {
    throw keyError(file, 'this is a public key (0x01), not a secret key pair', 'the key file keygen wrote beside the .pub');
  }
  if (bytes.length !== 1 + 2 * ED25519_KEY_BYTES || bytes[0] !== KEY_PAIR_ID) {
    throw keyError(file, `not an Ed25519 key pair (${bytes.length} bytes, first byte 0x${(bytes[0] ?? 0).toString(16)})`, `${1 + 2 * ED25519_KEY_BYTES} bytes starting with 0x81`);
  }
  return { seed: bytes.subarray(1, 1 + ED25519_KEY_BYTES), publicKey: bytes.subarray(1 + ED25519_KEY_BYTES) };
}
