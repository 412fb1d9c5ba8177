/**
 * The device's Ed25519 verification (libsodium's ref10 as native/sig builds it, run by
 * build/sig/wrt_sig_check) against Node's (OpenSSL's) on seeded random keys, messages and
 * signatures: one case in eight is a valid signature, the others each break one thing (a bit of
 * R, of S, of the message or of the public key; another key; random signature bytes; S + L, the
 * non-canonical form of a valid S). Every case must get the same answer from both.
 *
 * Long run: npm run crosscheck:ed25519 -- --cases 100000 --seed 1
 */
import { spawnSync } from 'node:child_process';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Command } from 'commander';
import { WrtError } from '../../ts/core/errors.js';
import { packageRoot } from '../../ts/core/paths.js';
import { integerOption, runScript, scriptProgram } from '../../ts/core/script-cli.js';
import { ed25519Sign, ed25519Verify, publicKeyOfSeed } from '../../ts/signing/sign.js';
import { Random } from '../wasm/differential.js';

export const MUTATIONS = ['valid', 'flip-r', 'flip-s', 'flip-message', 'flip-key', 'other-key', 'random-signature', 's-plus-l'] as const;
export type Mutation = (typeof MUTATIONS)[number];

export interface Ed25519Case {
  readonly mutation: Mutation;
  readonly publicKey: Uint8Array;
  readonly message: Uint8Array;
  readonly signature: Uint8Array;
}

/** The group order L, little-endian, as S is encoded. */
const ORDER_L = Buffer.from('edd3f55c1a631258d69cf7a2def9de1400000000000000000000000000000010', 'hex');

function addOrder(s: Uint8Array): Uint8Array {
  const out = new Uint8Array(32);
  let carry = 0;
  for (let i = 0; i < 32; i += 1) {
    const sum = (s[i] ?? 0) + (ORDER_L[i] ?? 0) + carry;
    out[i] = sum & 0xff;
    carry = sum >> 8;
  }
  return out;
}

function flip(bytes: Uint8Array, random: Random, from = 0, to = bytes.length): Uint8Array {
  const out = Uint8Array.from(bytes);
  const at = from + random.below(to - from);
  out[at] = (out[at] ?? 0) ^ (1 << random.below(8));
  return out;
}

/** Case `index` of a seeded run (cheap to regenerate: a disagreement names its index). */
export function ed25519Case(random: Random, index: number): Ed25519Case {
  const seed = random.bytes(32);
  const pair = { seed, publicKey: publicKeyOfSeed(seed) };
  const message = random.bytes(random.below(257));
  const signature = ed25519Sign(pair, message);
  const mutation = MUTATIONS[index % MUTATIONS.length] ?? 'valid';
  const base = { mutation, publicKey: pair.publicKey, message, signature };
  switch (mutation) {
    case 'valid': return base;
    case 'flip-r': return { ...base, signature: flip(signature, random, 0, 32) };
    case 'flip-s': return { ...base, signature: flip(signature, random, 32, 64) };
    case 'flip-message': return { ...base, message: message.length === 0 ? Uint8Array.of(random.below(256)) : flip(message, random) };
    case 'flip-key': return { ...base, publicKey: flip(pair.publicKey, random) };
    case 'other-key': return { ...base, publicKey: publicKeyOfSeed(random.bytes(32)) };
    case 'random-signature': return { ...base, signature: random.bytes(64) };
    case 's-plus-l': return { ...base, signature: Uint8Array.from(Buffer.concat([signature.subarray(0, 32), addOrder(signature.subarray(32))])) };
  }
}

/** Node's answer; a public key OpenSSL cannot even import verifies nothing. */
function nodeVerifies(c: Ed25519Case): boolean {
  try {
    return ed25519Verify(c.publicKey, c.message, c.signature);
  } catch {
    return false;
  }
}

export const SIG_CHECK = resolve(packageRoot(), 'build', 'sig', 'wrt_sig_check');

/** The device code's answers for these cases, in one run of the check driver. */
export function deviceVerifies(cases: readonly Ed25519Case[]): boolean[] {
  const hex = (b: Uint8Array): string => (b.length === 0 ? '-' : Buffer.from(b).toString('hex'));
  const input = cases.map((c) => `${hex(c.publicKey)} ${hex(c.signature)} ${hex(c.message)}\n`).join('');
  const run = spawnSync(SIG_CHECK, ['ed25519'], { input, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  if (run.error !== undefined || run.status !== 0) {
    throw new WrtError('TOOL_MISSING', `${SIG_CHECK} did not run (${run.error?.message ?? `exit ${run.status}: ${run.stderr}`}); build it with \`make -C native/sig\``, { file: SIG_CHECK });
  }
  return run.stdout.trim().split('\n').map((line) => line === '1');
}

export interface CrossCheck {
  readonly cases: number;
  readonly verified: number;
  /** Per mutation: how many cases, how many both refused. */
  readonly byMutation: Readonly<Record<Mutation, { cases: number; refused: number }>>;
  readonly disagreements: ReadonlyArray<{ readonly index: number; readonly mutation: Mutation; readonly node: boolean; readonly device: boolean }>;
}

export function crossCheck(seed: number, count: number, batch = 5000): CrossCheck {
  const random = new Random(seed);
  const byMutation = Object.fromEntries(MUTATIONS.map((m) => [m, { cases: 0, refused: 0 }])) as Record<Mutation, { cases: number; refused: number }>;
  const disagreements: Array<CrossCheck['disagreements'][number]> = [];
  let verified = 0;
  for (let start = 0; start < count; start += batch) {
    const cases = Array.from({ length: Math.min(batch, count - start) }, (_, i) => ed25519Case(random, start + i));
    const device = deviceVerifies(cases);
    cases.forEach((c, i) => {
      const node = nodeVerifies(c);
      const mine = device[i] ?? false;
      const tally = byMutation[c.mutation];
      tally.cases += 1;
      if (node) verified += 1;
      else if (!mine) tally.refused += 1;
      if (node !== mine) disagreements.push({ index: start + i, mutation: c.mutation, node, device: mine });
    });
  }
  return { cases: count, verified, byMutation, disagreements };
}

async function main(program: Command): Promise<number> {
  const { seed, cases } = program.opts<{ seed: number; cases: number }>();
  const started = Date.now();
  const result = crossCheck(seed, cases);
  process.stdout.write(`ed25519 cross-check, seed ${seed}: ${result.cases} cases, ${result.verified} verified by Node, ${result.disagreements.length} disagreements (${((Date.now() - started) / 1000).toFixed(1)} s)\n`);
  for (const m of MUTATIONS) process.stdout.write(`  ${m.padEnd(17)} ${result.byMutation[m].cases} cases, ${result.byMutation[m].refused} refused by both\n`);
  for (const d of result.disagreements.slice(0, 20)) process.stdout.write(`  case ${d.index} (${d.mutation}): Node ${d.node}, device ${d.device}\n`);
  return result.disagreements.length === 0 ? 0 : 1;
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const program = scriptProgram('crosscheck:ed25519', "the device's Ed25519 verification (libsodium ref10) against Node's")
    .option('--seed <n>', 'seed of the generator', integerOption(0), 1)
    .option('--cases <n>', 'how many cases', integerOption(1), 100_000);
  await runScript(program, main);
}
