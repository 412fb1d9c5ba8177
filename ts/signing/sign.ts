/**
 * Signing and verifying whole modules with Node's built-in Ed25519, in the format of format.ts:
 * the `signature` section goes first, and its hash covers every byte after it (all other sections,
 * custom ones included, as they are in the file), so wasmsign2 verifies what this signs and the
 * other way round. No I/O: the commands read and write the files.
 */
import { createHash, createPrivateKey, createPublicKey, generateKeyPairSync, sign, verify, type KeyObject } from 'node:crypto';
import { WrtError } from '../core/errors.js';
import { encodeCustomSection, moduleSections, WASM_HEADER_BYTES } from '../wasm/sections.js';
import {
  ALGORITHM_ED25519,
  decodeSignatureData,
  ED25519_SIGNATURE_BYTES,
  encodeSignatureData,
  HASH_SHA256,
  SIGNATURE_SECTION,
  signedMessage,
} from './format.js';

export interface Ed25519KeyPair {
  readonly seed: Uint8Array;
  readonly publicKey: Uint8Array;
}

function b64url(bytes: Uint8Array): string {
  return Buffer.from(bytes).toString('base64url');
}

function privateKeyOf(pair: Ed25519KeyPair): KeyObject {
  return createPrivateKey({ key: { kty: 'OKP', crv: 'Ed25519', d: b64url(pair.seed), x: b64url(pair.publicKey) }, format: 'jwk' });
}

function publicKeyOf(publicKey: Uint8Array): KeyObject {
  return createPublicKey({ key: { kty: 'OKP', crv: 'Ed25519', x: b64url(publicKey) }, format: 'jwk' });
}

export function generateKeyPair(): Ed25519KeyPair {
  const jwk = generateKeyPairSync('ed25519').privateKey.export({ format: 'jwk' });
  if (jwk.d === undefined || jwk.x === undefined) throw new WrtError('INTERNAL', 'Node returned an Ed25519 key without its seed or public key');
  return { seed: Buffer.from(jwk.d, 'base64url'), publicKey: Buffer.from(jwk.x, 'base64url') };
}

/** The public key of a seed (RFC 8032 key generation, by Node). */
export function publicKeyOfSeed(seed: Uint8Array): Uint8Array {
  const pkcs8 = Buffer.concat([Buffer.from('302e020100300506032b657004220420', 'hex'), seed]);
  const jwk = createPublicKey(createPrivateKey({ key: pkcs8, format: 'der', type: 'pkcs8' })).export({ format: 'jwk' });
  return Buffer.from(jwk.x ?? '', 'base64url');
}

export function ed25519Sign(pair: Ed25519KeyPair, message: Uint8Array): Uint8Array {
  return sign(null, message, privateKeyOf(pair));
}

export function ed25519Verify(publicKey: Uint8Array, message: Uint8Array, signature: Uint8Array): boolean {
  return signature.length === ED25519_SIGNATURE_BYTES && verify(null, message, publicKeyOf(publicKey), signature);
}

function sha256(bytes: Uint8Array): Uint8Array {
  return createHash('sha256').update(bytes).digest();
}

/** The module signed with `pair`: its header, a fresh `signature` section, then every other section unchanged. */
export function signModule(module: Uint8Array, pair: Ed25519KeyPair, file: string): Uint8Array {
  const kept = moduleSections(module, file).filter((s) => s.customName !== SIGNATURE_SECTION);
  const body = Buffer.concat(kept.map((s) => module.subarray(s.start, s.end)));
  const hash = sha256(body);
  const signature = ed25519Sign(pair, signedMessage([hash]));
  const data = encodeSignatureData({
    hashFunction: HASH_SHA256,
    sets: [{ hashes: [hash], signatures: [{ keyId: new Uint8Array(0), algorithm: ALGORITHM_ED25519, signature }] }],
  });
  return Buffer.concat([module.subarray(0, WASM_HEADER_BYTES), encodeCustomSection(SIGNATURE_SECTION, data), body]);
}

export interface Verified {
  /** SHA-256 (hex) of the signed bytes: every section after the signature section. */
  readonly sha256: string;
}

/**
 * Verifies the embedded signature of a whole module with one public key: a signature by the key
 * over hashes that include the hash of everything after the signature section. Throws
 * SIGNATURE_MISSING or SIGNATURE_INVALID naming what failed.
 */
export function verifyModule(module: Uint8Array, publicKey: Uint8Array, file: string, keyFile: string): Verified {
  const sections = moduleSections(module, file);
  const first = sections[0];
  if (first === undefined || first.customName !== SIGNATURE_SECTION) {
    const later = sections.some((s) => s.customName === SIGNATURE_SECTION);
    throw new WrtError(
      'SIGNATURE_MISSING',
      later ? 'the signature section is not the first section, where the format requires it: sign the module again' : 'the module is not signed: sign it with `wrt-target sign FILE --key KEY --out SIGNED`',
      { file, field: 'signature section' },
    );
  }
  const data = decodeSignatureData(module.subarray(first.payloadStart, first.end), file, first.payloadStart);
  const hash = sha256(module.subarray(first.end));
  const hex = Buffer.from(hash).toString('hex');
  let keySigned = false;
  for (const set of data.sets) {
    const message = signedMessage(set.hashes);
    const byKey = set.signatures.some((s) => s.algorithm === ALGORITHM_ED25519 && ed25519Verify(publicKey, message, s.signature));
    if (!byKey) continue;
    keySigned = true;
    if (set.hashes.some((h) => Buffer.from(h).equals(hash))) return { sha256: hex };
  }
  if (!keySigned) {
    throw new WrtError('SIGNATURE_INVALID', `no signature in the module verifies with the public key ${keyFile}: it was signed with another key, or the signature section was altered`, {
      file,
      field: 'signature',
    });
  }
  throw new WrtError('SIGNATURE_INVALID', `the module changed after it was signed: SHA-256 ${hex} of its sections is not a hash the key signed`, {
    file,
    field: 'module sections',
    offset: first.end,
  });
}
