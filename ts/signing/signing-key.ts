/**
 * The public key a profile requires modules to be signed by (`--signing-key KEY.pub` of profile,
 * run and deploy): read as the user named it, checked to be an Ed25519 public key file, and named
 * after its file (`release.key.pub` is the key `release.key`). The same file provisions the device:
 * native-sim is started with it, the firmware is built with it (docs/signing.md).
 */
import { basename, resolve } from 'node:path';
import { MAX_TEXT_FILE_BYTES, readUserFile } from '../core/user-file.js';
import type { ProfileSignature, Sourced } from '../profile/types.js';
import { decodePublicKey } from './format.js';

export interface SigningKey {
  /** The file as the user named it, and its absolute path. */
  readonly file: string;
  readonly path: string;
  readonly name: string;
  readonly publicKey: Uint8Array;
  /** Where it was given, e.g. `cli --signing-key`. */
  readonly source: string;
}

export const SIGNING_KEY_FLAG = '--signing-key';

/** Reads a public key file; KEY_INVALID naming the file when it is not one. */
export function readSigningKey(file: string, cwd: string, flag: string = SIGNING_KEY_FLAG): SigningKey {
  const path = resolve(cwd, file);
  const publicKey = decodePublicKey(readUserFile(path, { what: 'public key', maxBytes: MAX_TEXT_FILE_BYTES, shown: file, field: flag }), file);
  return { file, path, name: basename(file).replace(/\.pub$/, ''), publicKey, source: `cli ${flag} ${file}` };
}

/** What a profile records of the key. */
export function profileSignatureOf(key: SigningKey): Sourced<ProfileSignature> {
  return { value: { keyName: key.name, publicKey: Buffer.from(key.publicKey).toString('hex') }, source: key.source };
}
