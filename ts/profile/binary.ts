/**
 * The compact binary profile a device reads (docs/profile.md has the table): little-endian,
 * "WRTP", version, total length, fixed fields, target id, toolchain, imports, the signing key when
 * FLAG_SIGNED is set, CRC-32 last.
 * The profile hash is SHA-256 over the encoding with the hash field zeroed and without the CRC.
 */
import { createHash } from 'node:crypto';
import { WrtError } from '../core/errors.js';
import { crc32 } from '../device/framing.js';
import { ASIL_LEVELS, type AsilLevel } from '../foundation/asil.js';
import { DEBUG_LEVELS, type DebugLevel } from '../limits/types.js';
import { type HardwareCfiFeature, IMPORT_POLICIES, type MemoryRule, type Profile, type ProfileComponentBlock, type ProfileComponentInstance, type ProfileImport } from './types.js';

export const PROFILE_MAGIC = 0x50545257; // "WRTP" read little-endian
export const PROFILE_VERSION = 5;
export const FIXED_BYTES = 184;
export const HASH_OFFSET = 48;
const UNLIMITED_32 = 0xffffffff;
const UNLIMITED_64 = 0xffffffffffffffffn;

export const FLAG_TRUNCATED = 1;
export const FLAG_FUEL = 2;
export const FLAG_HOST = 4;
export const FLAG_PTR64 = 8;
/** The module must be signed: the key's 32 bytes follow the imports. */
export const FLAG_SIGNED = 16;
const SIGNING_KEY_BYTES = 32;
/** A component's profile: the component block follows the imports (and the signing key). */
export const FLAG_COMPONENT = 32;
/** The block's head: component SHA-256, plan SHA-256, u16 instance count, u16 handle tables, u32 handles a table, u32 value buffer bytes, u16 nesting depth, u16 adapters, u16 resource types, u16 reserved. */
export const COMPONENT_HEAD_BYTES = 84;
/** Per core instance: module SHA-256, then meta, code, control, memory bytes, table elements, global slots, value slots, call depth (u32 each). */
export const COMPONENT_INSTANCE_BYTES = 64;

const CFI_BITS: Readonly<Record<HardwareCfiFeature, number>> = { shstk: 1, ibt: 2, pac: 4, bti: 8 };
const MEMORY_RULES: readonly MemoryRule[] = ['no-memory', 'declared-pages', 'truncated-to-heap-base'];

/** What the binary carries: every number the device enforces (not the derivations). */
export interface BinaryProfile {
  readonly flags: number;
  readonly asil: AsilLevel;
  readonly debug: DebugLevel;
  readonly hardwareCfi: readonly HardwareCfiFeature[];
  readonly memoryRule: MemoryRule;
  readonly moduleSha256: string;
  readonly profileSha256: string;
  readonly moduleBytes: number;
  readonly memoryInitialPages: number;
  readonly memoryMaximumPages: number;
  readonly memoryBytes: number;
  readonly tableElements: number;
  readonly tableElementsMax: number;
  readonly globalSlots: number;
  readonly valueSlots: number;
  readonly callDepth: number;
  readonly controlDepth: number;
  readonly locals: number;
  readonly fuel: bigint | null;
  readonly metaBytes: number;
  readonly codeBytes: number;
  readonly controlBytes: number;
  readonly arenaBytes: number;
  readonly arenaBudget: number;
  readonly maxComponents: number;
  readonly maxInstances: number;
  readonly maxResources: number;
  /** Function entries the device's trace ring keeps, and breakpoints at once (0 at debug none). */
  readonly traceEntries: number;
  readonly breakpoints: number;
  readonly targetId: string;
  readonly toolchain: string;
  readonly imports: readonly ProfileImport[];
  /** The Ed25519 public key (hex) the module must be signed by; null: none required. */
  readonly signingKey: string | null;
  /** A component's block (flag 32); null for a core module's profile. */
  readonly component: ProfileComponentBlock | null;
}

const INSTANCE_FIELDS: readonly (keyof Omit<ProfileComponentInstance, 'moduleSha256'>)[] = ['metaBytes', 'codeBytes', 'controlBytes', 'memoryBytes', 'tableElements', 'globalSlots', 'valueSlots', 'callDepth'];

function componentBlockBytes(block: ProfileComponentBlock): Uint8Array {
  if (block.instances.length > 0xffff || block.handleTables > 0xffff || block.nestingDepth > 0xffff || block.adapters > 0xffff || block.resourceTypes > 0xffff) {
    throw new WrtError('LIMIT_EXCEEDED', 'the component block counts more than 65535 of something', { field: 'component' });
  }
  const out = new Uint8Array(COMPONENT_HEAD_BYTES + block.instances.length * COMPONENT_INSTANCE_BYTES);
  const view = new DataView(out.buffer);
  out.set(hexBytes(block.componentSha256, 'component.componentSha256'), 0);
  out.set(hexBytes(block.planSha256, 'component.planSha256'), 32);
  view.setUint16(64, block.instances.length, true);
  view.setUint16(66, block.handleTables, true);
  view.setUint32(68, u32(block.handlesPerTable, 'handles per table'), true);
  view.setUint32(72, u32(block.valueBufferBytes, 'value buffer bytes'), true);
  view.setUint16(76, block.nestingDepth, true);
  view.setUint16(78, block.adapters, true);
  view.setUint16(80, block.resourceTypes, true);
  for (const [k, inst] of block.instances.entries()) {
    const at = COMPONENT_HEAD_BYTES + k * COMPONENT_INSTANCE_BYTES;
    out.set(hexBytes(inst.moduleSha256, `component instance ${k} moduleSha256`), at);
    for (const [j, field] of INSTANCE_FIELDS.entries()) view.setUint32(at + 32 + 4 * j, u32(inst[field], `component instance ${k} ${field}`), true);
  }
  return out;
}

function regionBytes(profile: Profile, name: string): number {
  return profile.arena.regions.find((r) => r.name === name)?.bytes ?? 0;
}

function hexBytes(hex: string, field: string): Uint8Array {
  if (!/^[0-9a-f]{64}$/.test(hex)) throw new WrtError('INTERNAL', `${field} is not 64 hex digits`, { field });
  return Uint8Array.from(Buffer.from(hex, 'hex'));
}

function u32(value: number, field: string): number {
  if (!Number.isSafeInteger(value) || value < 0 || value > UNLIMITED_32) {
    throw new WrtError('LIMIT_EXCEEDED', `${field} ${value} does not fit the binary profile's 32-bit field`, { field, limit: '0 to 4294967295' });
  }
  return value;
}

function text(value: string, field: string): Uint8Array {
  const bytes = Buffer.from(value, 'utf8');
  if (bytes.length > 0xffff) throw new WrtError('LIMIT_EXCEEDED', `${field} is longer than 65535 bytes`, { field });
  return Uint8Array.from(bytes);
}

/** Encodes; also returns the profile hash the encoding defines. */
export function encodeProfile(profile: Profile): { readonly bytes: Uint8Array; readonly profileSha256: string } {
  // A JSON profile written before signatures existed has no `signature`: it requires none.
  const signingKey = profile.signature === null || profile.signature === undefined ? null : hexBytes(profile.signature.publicKey, 'signature.publicKey');
  const target = text(profile.target.id, 'target id');
  const tool = text(profile.toolchain, 'toolchain');
  const imports = profile.imports.map((i) => ({ module: text(i.module, 'import module'), name: text(i.name, 'import name'), budget: i.budget, policy: IMPORT_POLICIES.indexOf(i.policy) }));
  if (imports.length > 0xffff) throw new WrtError('LIMIT_EXCEEDED', 'more than 65535 imports', { field: 'imports' });
  const component = profile.component === undefined ? null : componentBlockBytes(profile.component);
  const length =
    FIXED_BYTES + 2 + target.length + 2 + tool.length + 2 + imports.reduce((n, i) => n + 9 + i.module.length + i.name.length, 0) + (signingKey === null ? 0 : SIGNING_KEY_BYTES) + (component?.length ?? 0) + 4;
  const out = new Uint8Array(length);
  const view = new DataView(out.buffer);
  const flags =
    (profile.memory.truncated ? FLAG_TRUNCATED : 0) | (profile.fuel !== null ? FLAG_FUEL : 0) | (profile.target.host ? FLAG_HOST : 0) | (profile.target.pointerBits === 64 ? FLAG_PTR64 : 0) |
    (signingKey === null ? 0 : FLAG_SIGNED) | (component === null ? 0 : FLAG_COMPONENT);
  view.setUint32(0, PROFILE_MAGIC, true);
  view.setUint16(4, PROFILE_VERSION, true);
  view.setUint16(6, flags, true);
  view.setUint32(8, length, true);
  out[12] = ASIL_LEVELS.indexOf(profile.asil);
  out[13] = DEBUG_LEVELS.indexOf(profile.debug);
  out[14] = profile.cfi.hardwareRequired.reduce((m, f) => m | CFI_BITS[f], 0);
  out[15] = MEMORY_RULES.indexOf(profile.memory.rule);
  out.set(hexBytes(profile.moduleSha256, 'moduleSha256'), 16);
  const fields: Array<[number, number, string]> = [
    [80, profile.moduleBytes, 'module bytes'],
    [84, profile.memory.initialPages, 'memory initial pages'],
    [88, profile.memory.maximumPages, 'memory maximum pages'],
    [100, profile.tables.elements, 'table elements'],
    [104, profile.tables.elementsMax, 'table elements max'],
    [108, profile.globals.slots, 'global slots'],
    [112, profile.stack.valueSlots, 'value stack slots'],
    [116, profile.stack.callDepth, 'call depth'],
    [120, profile.stack.controlDepth, 'control depth'],
    [124, profile.stack.locals, 'locals'],
    [136, regionBytes(profile, 'meta'), 'meta bytes'],
    [140, regionBytes(profile, 'code'), 'code bytes'],
    [144, regionBytes(profile, 'control'), 'control bytes'],
    [164, profile.components.maxComponents, 'max components'],
    [168, profile.components.maxInstances, 'max instances'],
    [172, profile.components.maxResources, 'max resources'],
    // A JSON profile written before the debug budget has none.
    [176, profile.debugBudget?.traceEntries ?? 0, 'trace entries'],
    [180, profile.debugBudget?.breakpoints ?? 0, 'breakpoints'],
  ];
  for (const [offset, value, field] of fields) view.setUint32(offset, u32(value, field), true);
  view.setBigUint64(92, BigInt(profile.memory.bytes), true);
  view.setBigUint64(128, profile.fuel === null ? UNLIMITED_64 : profile.fuel, true);
  view.setBigUint64(148, BigInt(profile.arena.totalBytes), true);
  view.setBigUint64(156, BigInt(Math.max(profile.arena.budgetBytes, 0)), true);
  let at = FIXED_BYTES;
  const putText = (bytes: Uint8Array): void => {
    view.setUint16(at, bytes.length, true);
    out.set(bytes, at + 2);
    at += 2 + bytes.length;
  };
  putText(target);
  putText(tool);
  view.setUint16(at, imports.length, true);
  at += 2;
  for (const i of imports) {
    putText(i.module);
    putText(i.name);
    view.setUint32(at, i.budget === null ? UNLIMITED_32 : u32(i.budget, 'host call budget'), true);
    out[at + 4] = i.policy;
    at += 5;
  }
  if (signingKey !== null) {
    out.set(signingKey, at);
    at += SIGNING_KEY_BYTES;
  }
  if (component !== null) out.set(component, at);
  const digest = createHash('sha256').update(out.subarray(0, length - 4)).digest();
  out.set(digest, HASH_OFFSET);
  view.setUint32(length - 4, crc32(out.subarray(0, length - 4)), true);
  return { bytes: out, profileSha256: digest.toString('hex') };
}

function bad(message: string, offset: number, file: string | undefined, field: string): WrtError {
  return new WrtError('VALUE_INVALID', `binary profile: ${message}`, { ...(file !== undefined ? { file } : {}), offset, field });
}

/** Decodes and checks magic, version, length, CRC and the profile hash. Never throws anything but WrtError. */
export function decodeProfile(bytes: Uint8Array, file?: string): BinaryProfile {
  if (bytes.length < FIXED_BYTES + 10) throw bad(`${bytes.length} bytes, shorter than the ${FIXED_BYTES + 10}-byte minimum`, 0, file, 'length');
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (view.getUint32(0, true) !== PROFILE_MAGIC) throw bad('magic is not "WRTP"', 0, file, 'magic');
  const version = view.getUint16(4, true);
  if (version !== PROFILE_VERSION) throw bad(`version ${version}, this tool reads version ${PROFILE_VERSION}`, 4, file, 'version');
  const length = view.getUint32(8, true);
  if (length !== bytes.length) throw bad(`length field says ${length} bytes, the profile has ${bytes.length}`, 8, file, 'length');
  const crc = view.getUint32(length - 4, true);
  const actual = crc32(bytes.subarray(0, length - 4));
  if (crc !== actual) throw bad(`CRC-32 0x${crc.toString(16)} does not match the contents (0x${actual.toString(16)})`, length - 4, file, 'crc32');
  const zeroed = Uint8Array.from(bytes.subarray(0, length - 4));
  zeroed.fill(0, HASH_OFFSET, HASH_OFFSET + 32);
  const profileSha256 = Buffer.from(bytes.subarray(HASH_OFFSET, HASH_OFFSET + 32)).toString('hex');
  if (createHash('sha256').update(zeroed).digest('hex') !== profileSha256) throw bad('profile hash does not match the contents', HASH_OFFSET, file, 'profileSha256');
  const asil = ASIL_LEVELS[bytes[12] ?? 255];
  const debug = DEBUG_LEVELS[bytes[13] ?? 255];
  const memoryRule = MEMORY_RULES[bytes[15] ?? 255];
  if (asil === undefined) throw bad(`ASIL byte ${bytes[12]} is not 0-4`, 12, file, 'asil');
  if (debug === undefined) throw bad(`debug byte ${bytes[13]} is not 0-2`, 13, file, 'debug');
  if (memoryRule === undefined) throw bad(`memory rule byte ${bytes[15]} is not 0-2`, 15, file, 'memory rule');
  const cfiBits = bytes[14] ?? 0;
  const hardwareCfi = (Object.keys(CFI_BITS) as HardwareCfiFeature[]).filter((f) => (cfiBits & CFI_BITS[f]) !== 0);
  const r32 = (offset: number): number => view.getUint32(offset, true);
  const r64 = (offset: number, field: string): number => {
    const v = view.getBigUint64(offset, true);
    if (v > BigInt(Number.MAX_SAFE_INTEGER)) throw bad(`${field} ${v} is beyond 2^53`, offset, file, field);
    return Number(v);
  };
  let at = FIXED_BYTES;
  const end = length - 4;
  const getText = (field: string): string => {
    if (at + 2 > end) throw bad(`${field} length runs past the end`, at, file, field);
    const n = view.getUint16(at, true);
    if (at + 2 + n > end) throw bad(`${field} (${n} bytes) runs past the end`, at, file, field);
    const value = Buffer.from(bytes.subarray(at + 2, at + 2 + n)).toString('utf8');
    at += 2 + n;
    return value;
  };
  const targetId = getText('target id');
  const toolchain = getText('toolchain');
  if (at + 2 > end) throw bad('import count runs past the end', at, file, 'imports');
  const count = view.getUint16(at, true);
  at += 2;
  const imports: ProfileImport[] = [];
  for (let i = 0; i < count; i += 1) {
    const module = getText(`import ${i} module`);
    const name = getText(`import ${i} name`);
    if (at + 5 > end) throw bad(`import ${i} budget and policy run past the end`, at, file, 'imports');
    const budget = view.getUint32(at, true);
    const policy = IMPORT_POLICIES[bytes[at + 4] ?? 255];
    if (policy === undefined) throw bad(`import ${i} policy byte ${bytes[at + 4]} is not 0-2 (allow, deny, log)`, at + 4, file, 'imports');
    at += 5;
    imports.push({ module, name, budget: budget === UNLIMITED_32 ? null : budget, policy });
  }
  let signingKey: string | null = null;
  if ((view.getUint16(6, true) & FLAG_SIGNED) !== 0) {
    if (at + SIGNING_KEY_BYTES > end) throw bad('signing key runs past the end', at, file, 'signing key');
    signingKey = Buffer.from(bytes.subarray(at, at + SIGNING_KEY_BYTES)).toString('hex');
    at += SIGNING_KEY_BYTES;
  }
  let component: ProfileComponentBlock | null = null;
  if ((view.getUint16(6, true) & FLAG_COMPONENT) !== 0) {
    if (at + COMPONENT_HEAD_BYTES > end) throw bad('component block runs past the end', at, file, 'component');
    const hex = (from: number): string => Buffer.from(bytes.subarray(from, from + 32)).toString('hex');
    const n = view.getUint16(at + 64, true);
    if (at + COMPONENT_HEAD_BYTES + n * COMPONENT_INSTANCE_BYTES > end) throw bad(`component block's ${n} core instances run past the end`, at + 64, file, 'component');
    const instances: ProfileComponentInstance[] = [];
    for (let k = 0; k < n; k += 1) {
      const base = at + COMPONENT_HEAD_BYTES + k * COMPONENT_INSTANCE_BYTES;
      const f = (j: number): number => view.getUint32(base + 32 + 4 * j, true);
      instances.push({ moduleSha256: hex(base), metaBytes: f(0), codeBytes: f(1), controlBytes: f(2), memoryBytes: f(3), tableElements: f(4), globalSlots: f(5), valueSlots: f(6), callDepth: f(7) });
    }
    component = {
      componentSha256: hex(at),
      planSha256: hex(at + 32),
      instances,
      handleTables: view.getUint16(at + 66, true),
      handlesPerTable: view.getUint32(at + 68, true),
      valueBufferBytes: view.getUint32(at + 72, true),
      nestingDepth: view.getUint16(at + 76, true),
      adapters: view.getUint16(at + 78, true),
      resourceTypes: view.getUint16(at + 80, true),
    };
    at += COMPONENT_HEAD_BYTES + n * COMPONENT_INSTANCE_BYTES;
  }
  if (at !== end) throw bad(`${end - at} bytes after the imports before the CRC`, at, file, 'length');
  const fuel = view.getBigUint64(128, true);
  if (debug === 'none' && (r32(176) !== 0 || r32(180) !== 0)) {
    throw bad(`debug level none with ${r32(176)} trace entries and ${r32(180)} breakpoints (none gives neither)`, 176, file, 'trace entries');
  }
  return {
    flags: view.getUint16(6, true),
    asil,
    debug,
    hardwareCfi,
    memoryRule,
    moduleSha256: Buffer.from(bytes.subarray(16, 48)).toString('hex'),
    profileSha256,
    moduleBytes: r32(80),
    memoryInitialPages: r32(84),
    memoryMaximumPages: r32(88),
    memoryBytes: r64(92, 'memory bytes'),
    tableElements: r32(100),
    tableElementsMax: r32(104),
    globalSlots: r32(108),
    valueSlots: r32(112),
    callDepth: r32(116),
    controlDepth: r32(120),
    locals: r32(124),
    fuel: fuel === UNLIMITED_64 ? null : fuel,
    metaBytes: r32(136),
    codeBytes: r32(140),
    controlBytes: r32(144),
    arenaBytes: r64(148, 'arena bytes'),
    arenaBudget: r64(156, 'arena budget'),
    maxComponents: r32(164),
    maxInstances: r32(168),
    maxResources: r32(172),
    traceEntries: r32(176),
    breakpoints: r32(180),
    targetId,
    toolchain,
    imports,
    signingKey,
    component,
  };
}
