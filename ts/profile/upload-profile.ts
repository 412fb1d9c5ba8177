/**
 * The profile a module travels with to a device (`run`, `deploy`): the one named with --profile
 * (binary, JSON, or a module carrying a `wrt.profile` section), else the one embedded in the
 * module itself, else one compiled here for the target. Checked on the host before a byte is sent:
 * it must belong to this module and this target, so a mismatch is an error that names both files,
 * not a device refusal after an upload. A profile that requires a signature has it verified here
 * too, with the key it names (SIGNATURE_MISSING / SIGNATURE_INVALID before a byte is sent).
 */
import type { NativesFile } from '../targets/host-functions.js';
import { resolve } from 'node:path';
import { WrtError } from '../core/errors.js';
import { type AsilLevel, formatAsil } from '../foundation/asil.js';
import { SafetyContext } from '../foundation/safety-context.js';
import type { SchemaSpec } from '../core/schema-validator.js';
import { MAX_MODULE_FILE_BYTES, readUserFile } from '../core/user-file.js';
import { type BinaryProfile, decodeProfile, encodeProfile, PROFILE_MAGIC } from './binary.js';
import type { ProfileDeps } from './gather.js';
import { fuelFromJson } from './json.js';
import { PROFILE_JSON_SCHEMA } from './schema.js';
import { findProfileSection, moduleSha256 } from './section.js';
import type { Profile, ProfileImport, ProfileOverrides } from './types.js';
import type { WasmReport } from '../wasm/report.js';
import type { DebugLevel } from '../limits/types.js';
import { verifyModule } from '../signing/sign.js';

/** `--profile none` uploads no profile: the device's own default layout, no budgets beyond fuel. */
export const NO_PROFILE = 'none';

export interface UploadProfile {
  readonly bytes: Uint8Array;
  readonly decoded: BinaryProfile;
  /** Where it came from, for reports. */
  readonly source: string;
}

export interface UploadProfileRequest {
  /** The module file as the user named it, and its bytes. */
  readonly file: string;
  readonly module: Uint8Array;
  /** The validator's report of the module, when the caller has it. */
  readonly analysis?: WasmReport;
  /** The target the device runs (native-sim, qemu-mps2-an386, ...). */
  readonly targetId: string;
  /** The firmware image the device runs, when the caller flashes it (deploy): its CFI marks are read. */
  readonly firmware?: string;
  /** --profile: a path, NO_PROFILE, or absent (embedded, else compiled). */
  readonly profile?: string;
  /**
   * The safety level the run asks for (`run`/`deploy --asil`): a profile compiled here is compiled
   * at it; a given or embedded profile must be at exactly that level (not below: a run may only
   * raise a level; not above: its budgets were derived for another level).
   */
  readonly asil?: { readonly level: AsilLevel; readonly source: string };
  /**
   * The debug level the run asks for (`run`/`deploy --debug`): a profile compiled here is compiled
   * at it (its trace ring and breakpoints); a given or embedded profile must be at exactly it.
   */
  readonly debug?: DebugLevel;
  /** Overrides for a compiled profile (--fuel becomes the profile's fuel). */
  readonly overrides?: ProfileOverrides;
  /** `--natives FILE.c` built into the device: a compiled profile accepts its imports too. */
  readonly natives?: NativesFile;
  /** Imports the host serves over the wire (`--host FILE.mjs`), as module.field. */
  readonly hostServed?: readonly string[];
  /** The firmware's executor (deploy --executor). */
  readonly executor?: 'fast' | 'small';
  /** The native-sim that measures the module (run --natives: its own build). */
  readonly simBinary?: string;
  readonly env: NodeJS.ProcessEnv;
  readonly cwd: string;
}

/** The schema of a JSON profile, for core/yaml-schema's checkSchema. */
export const PROFILE_SCHEMA_SPEC: SchemaSpec = { name: 'profile', schema: () => PROFILE_JSON_SCHEMA };

const WASM_MAGIC = 0x6d736100; // "\0asm" read little-endian

function u32le(bytes: Uint8Array): number | undefined {
  return bytes.length >= 4 ? new DataView(bytes.buffer, bytes.byteOffset, 4).getUint32(0, true) : undefined;
}

async function profileFromJson(bytes: Uint8Array, file: string): Promise<Uint8Array> {
  let value: unknown;
  try {
    value = JSON.parse(Buffer.from(bytes).toString('utf8'));
  } catch (error) {
    throw new WrtError('VALUE_INVALID', `${file}: not a binary profile, a module, or JSON (${(error as Error).message})`, { file });
  }
  const { checkSchema, sourceWithoutLines } = await import('../core/yaml-schema.js');
  const profile = checkSchema<Profile>(PROFILE_SCHEMA_SPEC, sourceWithoutLines(value, file), 'VALUE_INVALID');
  // A JSON profile written before import policies has none: every call allowed, as then.
  const imports = profile.imports.map((i) => ({ ...i, policy: (i as Partial<ProfileImport>).policy ?? 'allow' }));
  return encodeProfile({ ...profile, imports, fuel: fuelFromJson(profile.fuel) }).bytes;
}

/** The binary profile a --profile file holds: the file itself, its wrt.profile section, or its JSON encoded. */
export async function profileBytesOf(bytes: Uint8Array, file: string): Promise<Uint8Array> {
  const magic = u32le(bytes);
  if (magic === PROFILE_MAGIC) return bytes;
  if (magic === WASM_MAGIC) {
    const section = findProfileSection(bytes, file);
    if (section === null) throw new WrtError('VALUE_INVALID', `${file}: the module carries no wrt.profile section`, { file, field: 'wrt.profile' });
    return Uint8Array.from(section);
  }
  return profileFromJson(bytes, file);
}

/** A profile belongs to one module (by its SHA-256 without profile sections) and one target. */
export function checkProfileBinding(profile: BinaryProfile, module: Uint8Array, targetId: string, moduleFile: string, profileFile: string): void {
  const sha = moduleSha256(module, moduleFile);
  if (profile.moduleSha256 !== sha) {
    throw new WrtError('PROFILE_REFUSED', `the profile in ${profileFile} was compiled for another module (SHA-256 ${profile.moduleSha256.slice(0, 16)}…, ${moduleFile} is ${sha.slice(0, 16)}…)`, {
      file: profileFile,
      field: 'moduleSha256',
      limit: `the module the profile names (compile a new one: wrt-target profile ${moduleFile} --target ${targetId})`,
    });
  }
  if (profile.targetId !== targetId) {
    throw new WrtError('PROFILE_REFUSED', `the profile in ${profileFile} was compiled for target ${profile.targetId}, not ${targetId}`, {
      file: profileFile,
      field: 'target',
      limit: `a profile for ${targetId} (wrt-target profile ${moduleFile} --target ${targetId})`,
    });
  }
}


async function compiled(request: UploadProfileRequest, deps: ProfileDeps): Promise<UploadProfile> {
  const { gatherProfile } = await import('./gather.js');
  const gathered = await gatherProfile(
    {
      file: request.file,
      bytes: request.module,
      ...(request.analysis === undefined ? {} : { analysis: request.analysis }),
      target: request.targetId,
      ...(request.firmware === undefined ? {} : { firmware: request.firmware }),
      ...(request.natives === undefined ? {} : { natives: request.natives }),
      ...(request.hostServed === undefined ? {} : { hostServed: request.hostServed }),
      ...(request.executor === undefined ? {} : { executor: request.executor }),
      ...(request.simBinary === undefined ? {} : { simBinary: request.simBinary }),
      overrides: request.overrides ?? {},
      // --asil resolves like every limit (cli above env and config), so the profile names its source.
      options: { ...(request.asil === undefined ? {} : { asil: request.asil.level }), ...(request.debug === undefined ? {} : { debugLevel: request.debug }) },
      env: request.env,
      cwd: request.cwd,
    },
    deps,
  );
  if (!gathered.result.ok) {
    const first = gathered.result.errors[0];
    const { renderBudgetErrors } = await import('./render.js');
    throw new WrtError(first?.code ?? 'LIMIT_EXCEEDED', renderBudgetErrors(request.file, request.targetId, gathered.result.errors), {
      file: request.file,
      ...(first === undefined ? {} : { field: first.budget, limit: first.gives, source: first.source }),
    });
  }
  const profile = gathered.result.profile;
  const bytes = encodeProfile(profile).bytes;
  return { bytes, decoded: decodeProfile(bytes), source: `compiled for ${request.targetId} (ASIL ${profile.asil}, debug ${profile.debug})` };
}

/**
 * A profile made before the run, checked against the level the run asks for: below it, the
 * SafetyContext refuses (a run may only raise the level); above it, the profile's budgets belong to
 * another level, so it is refused as well, naming how to compile one for this level.
 */
function checkRequestedLevel(profile: UploadProfile, request: UploadProfileRequest): UploadProfile {
  if (request.debug !== undefined && request.debug !== profile.decoded.debug) {
    throw new WrtError('PROFILE_REFUSED', `${profile.source} was compiled at debug level ${profile.decoded.debug}; the run asks for ${request.debug} (--debug)`, {
      file: request.file,
      field: 'debug',
      limit: `a profile compiled at debug level ${request.debug}: wrt-target profile ${request.file} --target ${request.targetId} --debug ${request.debug}`,
    });
  }
  if (request.asil === undefined) return profile;
  const context = new SafetyContext(profile.decoded.asil).raise(request.asil.level, request.asil.source);
  if (context.effectiveLevel !== profile.decoded.asil) {
    throw new WrtError('PROFILE_REFUSED', `${profile.source} was compiled at ${formatAsil(profile.decoded.asil)}; the run asks for ${formatAsil(request.asil.level)} (${request.asil.source})`, {
      file: request.file,
      field: 'asil',
      limit: `a profile compiled at ${formatAsil(request.asil.level)}: wrt-target profile ${request.file} --target ${request.targetId} --asil ${request.asil.level}`,
    });
  }
  return profile;
}

/**
 * The module carries the signature its profile requires, checked as the device will check it;
 * the key is named by its file when the run was given one (--signing-key), else by its first digits.
 */
function checkRequiredSignature(profile: UploadProfile, request: UploadProfileRequest): UploadProfile {
  const key = profile.decoded.signingKey;
  if (key === null) return profile;
  const named = request.overrides?.signingKey;
  const keyName = named !== undefined && named.value.publicKey === key ? named.value.keyName : `${key.slice(0, 16)}… (the key ${profile.source} requires)`;
  verifyModule(request.module, Uint8Array.from(Buffer.from(key, 'hex')), request.file, keyName);
  return profile;
}

/** The profile to upload with the module, or undefined for `--profile none`. */
export async function resolveUploadProfile(request: UploadProfileRequest, deps: ProfileDeps = {}): Promise<UploadProfile | undefined> {
  const profile = await chooseUploadProfile(request, deps);
  return profile === undefined ? undefined : checkRequiredSignature(profile, request);
}

async function chooseUploadProfile(request: UploadProfileRequest, deps: ProfileDeps): Promise<UploadProfile | undefined> {
  if (request.profile === NO_PROFILE) {
    if (request.asil !== undefined && request.asil.level !== 'QM') {
      throw new WrtError('USAGE', `--profile none runs without budgets, which ${formatAsil(request.asil.level)} (${request.asil.source}) does not allow`, {
        field: '--profile',
        limit: 'a profile (given, embedded or compiled for the target) at or above the level asked for',
      });
    }
    return undefined;
  }
  if (request.profile !== undefined) {
    const path = resolve(request.cwd, request.profile);
    const bytes = await profileBytesOf(readUserFile(path, { what: 'profile', maxBytes: MAX_MODULE_FILE_BYTES, shown: request.profile, field: '--profile' }), request.profile);
    const decoded = decodeProfile(bytes, request.profile);
    checkProfileBinding(decoded, request.module, request.targetId, request.file, request.profile);
    return checkRequestedLevel({ bytes, decoded, source: `file ${request.profile}` }, request);
  }
  const embedded = findProfileSection(request.module, request.file);
  if (embedded !== null) {
    const bytes = Uint8Array.from(embedded);
    const decoded = decodeProfile(bytes, `${request.file} (wrt.profile section)`);
    checkProfileBinding(decoded, request.module, request.targetId, request.file, `${request.file} (wrt.profile section)`);
    return checkRequestedLevel({ bytes, decoded, source: `${request.file}'s wrt.profile section` }, request);
  }
  return compiled(request, deps);
}
