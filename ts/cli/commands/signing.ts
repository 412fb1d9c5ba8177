/**
 * `wrt-target keygen --out KEY`, `sign FILE --key KEY --out SIGNED`, `verify FILE --key KEY.pub`:
 * Ed25519 module signatures in the WebAssembly module-signatures format (ts/signing), so wasmsign2
 * verifies what `sign` writes and `verify` checks what wasmsign2 signs. verify exits 1 naming
 * what failed: no signature, another key, or a module changed after signing.
 */
import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Command } from 'commander';
import { ExitCode } from '../../core/error-codes.js';
import { WrtError } from '../../core/errors.js';
import { jsonDocument, type JsonDocumentKind } from '../../core/output.js';
import { MAX_MODULE_FILE_BYTES, MAX_TEXT_FILE_BYTES, readUserFile } from '../../core/user-file.js';
import type { CliContext, CommandModule } from '../context.js';

export const VERIFY_DOCUMENT: JsonDocumentKind = { name: 'verify', version: 1 };

/** Writes a file the user named; `exclusive` refuses to replace one (a secret key is never overwritten). */
function writeUserFile(ctx: CliContext, file: string, bytes: Uint8Array, field: string, exclusive: boolean, mode = 0o644): void {
  try {
    writeFileSync(resolve(ctx.cwd, file), bytes, { mode, flag: exclusive ? 'wx' : 'w' });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? String(error);
    const why = code === 'EEXIST' ? 'it exists already; keygen never replaces a key: remove it or name another file' : code;
    throw new WrtError('FILE_WRITE_FAILED', `cannot write ${file}: ${why}`, { file, field }, { cause: error });
  }
}

async function readModule(ctx: CliContext, file: string): Promise<Uint8Array> {
  const { notWasmReason } = await import('../../run/module.js');
  const bytes = readUserFile(resolve(ctx.cwd, file), { what: 'module', maxBytes: MAX_MODULE_FILE_BYTES, shown: file });
  const reason = notWasmReason(bytes, file);
  if (reason !== undefined) throw new WrtError('MODULE_NOT_WASM', reason, { file });
  return bytes;
}

function readKey(ctx: CliContext, file: string): Uint8Array {
  return readUserFile(resolve(ctx.cwd, file), { what: 'key', maxBytes: MAX_TEXT_FILE_BYTES, shown: file, field: '--key' });
}

export async function runKeygen(out: string, ctx: CliContext): Promise<ExitCode> {
  const [{ generateKeyPair }, { encodeKeyPair, encodePublicKey }] = await Promise.all([import('../../signing/sign.js'), import('../../signing/format.js')]);
  const pair = generateKeyPair();
  writeUserFile(ctx, out, encodeKeyPair(pair.seed, pair.publicKey), '--out', true, 0o600);
  writeUserFile(ctx, `${out}.pub`, encodePublicKey(pair.publicKey), '--out', true);
  ctx.output.err(`wrt-target: wrote the Ed25519 key pair ${out} (secret, mode 600) and its public key ${out}.pub`);
  return ExitCode.Ok;
}

export async function runSign(file: string, options: { key: string; out: string }, ctx: CliContext): Promise<ExitCode> {
  const [{ publicKeyOfSeed, signModule }, { decodeKeyPair }] = await Promise.all([import('../../signing/sign.js'), import('../../signing/format.js')]);
  const pair = decodeKeyPair(readKey(ctx, options.key), options.key);
  if (!Buffer.from(publicKeyOfSeed(pair.seed)).equals(pair.publicKey)) {
    throw new WrtError('KEY_INVALID', 'the public key stored in the key pair is not the one of its secret seed: the key file is damaged; make a new one with keygen', { file: options.key, field: '--key' });
  }
  const signed = signModule(await readModule(ctx, file), pair, file);
  writeUserFile(ctx, options.out, signed, '--out', false);
  ctx.output.err(`wrt-target: signed ${file} with ${options.key}: ${options.out} (${signed.length} bytes)`);
  return ExitCode.Ok;
}

export async function runVerify(file: string, options: { key: string; json?: boolean }, ctx: CliContext): Promise<ExitCode> {
  const [{ verifyModule }, { readSigningKey }] = await Promise.all([import('../../signing/sign.js'), import('../../signing/signing-key.js')]);
  const { publicKey } = readSigningKey(options.key, ctx.cwd, '--key');
  const verified = verifyModule(await readModule(ctx, file), publicKey, file, options.key);
  if (options.json === true) ctx.output.out(jsonDocument(VERIFY_DOCUMENT, { file, key: options.key, verified: true, sha256: verified.sha256 }));
  else ctx.output.out(`${file}: signature verified with ${options.key} (SHA-256 of the signed sections ${verified.sha256})`);
  return ExitCode.Ok;
}

export const keygenCommand: CommandModule = {
  register(program: Command, ctx: CliContext, done: (code: ExitCode) => void): void {
    program
      .command('keygen')
      .description('make an Ed25519 key pair for module signatures: KEY (secret) and KEY.pub')
      .requiredOption('--out <key>', 'the key pair file; the public key goes to KEY.pub')
      .addHelpText('after', '\nExample:\n  wrt-target keygen --out release.key\n      writes release.key (mode 600) and release.key.pub; never replaces a file')
      .action(async (options: { out: string }) => done(await runKeygen(options.out, ctx)));
  },
};

export const signCommand: CommandModule = {
  register(program: Command, ctx: CliContext, done: (code: ExitCode) => void): void {
    program
      .command('sign')
      .description('embed an Ed25519 signature of the whole module (WebAssembly module-signatures format, as wasmsign2)')
      .argument('<file>', 'the .wasm module')
      .requiredOption('--key <key>', 'the key pair keygen wrote')
      .requiredOption('--out <signed>', 'the signed module to write')
      .addHelpText('after', '\nExample:\n  wrt-target sign examples/add.wasm --key examples/example.key --out a.wasm\n      a published demonstration key: sign nothing of yours with it')
      .action(async (file: string, options: { key: string; out: string }) => done(await runSign(file, options, ctx)));
  },
};

export const verifyCommand: CommandModule = {
  register(program: Command, ctx: CliContext, done: (code: ExitCode) => void): void {
    program
      .command('verify')
      .description('verify the embedded signature of a module with a public key')
      .argument('<file>', 'the signed .wasm module')
      .requiredOption('--key <key.pub>', 'the public key (KEY.pub of keygen, or a wasmsign2 public key)')
      .option('--json', 'print the result as JSON')
      .addHelpText('after', '\nExample:\n  wrt-target verify examples/add.signed.wasm --key examples/example.key.pub\n\nExit codes: 0 verified; 1 not signed, signed with another key, or changed after\nsigning; 2 unreadable file or key. More: docs/signing.md.')
      .action(async (file: string, options: { key: string; json?: boolean }) => done(await runVerify(file, options, ctx)));
  },
};
