import { WrtError } from '../core/errors.js';
import { loadTarget, type TargetDirOptions } from '../targets/index.js';
import type { TargetDefinition, TargetKind } from '../targets/types.js';
import { MAX_TEXT_FILE_BYTES } from '../core/user-file.js';
import { checkSchema, fieldLocation, parseYaml, readYamlFile, type YamlSource } from '../core/yaml-schema.js';
import { hilSchema } from './schema.js';
import type { Board, Connection, HardwareMap, RawBoard, RawConnection, RawHardwareMap } from './types.js';

/** The executor kind that runs modules in this process's V8; it needs no target definition. */
export const REFERENCE_V8 = 'reference-v8';

/** Connection kinds that imply a kind of target, so a map cannot put a QEMU board on a serial port. */
const TARGET_KIND_OF_CONNECTION: Readonly<Record<string, TargetKind>> = {
  serial: 'board',
  qemu: 'emulated',
  'native-sim': 'host-sim',
};

export interface HardwareMapOptions {
  /** Targets folder (tests pass their own); the package's targets/ by default. */
  readonly targets?: TargetDirOptions;
}

export function connectionOf(raw: RawConnection): Connection {
  if (typeof raw === 'string') return { kind: raw };
  if ('serial' in raw) return { kind: 'serial', port: raw.serial };
  return { kind: raw.emulator };
}

export function describeConnection(connection: Connection): string {
  return 'port' in connection ? `serial ${connection.port}` : connection.kind;
}

/** Pure apart from target lookups: YAML text of a hardware map to checked boards. */
export function parseHardwareMap(text: string, file: string, options: HardwareMapOptions = {}): HardwareMap {
  return hardwareMapFrom(parseYaml(text, file), options);
}

function hardwareMapFrom(source: YamlSource, options: HardwareMapOptions): HardwareMap {
  const file = source.file;
  const raw = checkSchema<RawHardwareMap>(hilSchema('hardware-map'), source);
  const seen = new Map<string, number>();
  const boards = raw.boards.map((entry, index) => {
    const field = `/boards/${index}`;
    const earlier = seen.get(entry.id);
    if (earlier !== undefined) {
      throw new WrtError('CONFIG_SCHEMA', `${field}/id "${entry.id}" is already the id of /boards/${earlier}`, fieldLocation(source, `${field}/id`, 'board ids are unique'));
    }
    seen.set(entry.id, index);
    return resolveBoard(entry, field, source, options);
  });
  return { file, boards };
}

export function loadHardwareMap(path: string, options: HardwareMapOptions = {}): HardwareMap {
  return hardwareMapFrom(readYamlFile(path, { what: 'hardware map', maxBytes: MAX_TEXT_FILE_BYTES, field: '--hardware-map' }), options);
}

function resolveBoard(entry: RawBoard, field: string, source: YamlSource, options: HardwareMapOptions): Board {
  const connection = connectionOf(entry.connection);
  const target = resolveTarget(entry, connection, field, source, options);
  if (entry.runner !== undefined) {
    const runners = target?.flashMethods.map((method) => method.runner) ?? [];
    if (!runners.includes(entry.runner as (typeof runners)[number])) {
      const limit = runners.length > 0 ? `one of the target's runners: ${runners.join(' | ')}` : 'no runner: this connection flashes nothing';
      throw new WrtError('CONFIG_SCHEMA', `${field}/runner "${entry.runner}" is not a flash method of ${target?.id ?? 'this board'}`, fieldLocation(source, `${field}/runner`, limit));
    }
  }
  const line = source.lineOf(field);
  return {
    id: entry.id,
    connection,
    ...(target === undefined ? {} : { target }),
    ...(entry.runner === undefined ? {} : { runner: entry.runner }),
    fixtures: entry.fixtures ?? [],
    ...(entry.baud === undefined ? {} : { baud: entry.baud }),
    enabled: entry.enabled ?? true,
    timeoutScale: entry.timeoutScale ?? 1,
    ...(entry.notes === undefined ? {} : { notes: entry.notes }),
    origin: { file: source.file, field, ...(line === undefined ? {} : { line }) },
  };
}

function resolveTarget(entry: RawBoard, connection: Connection, field: string, source: YamlSource, options: HardwareMapOptions): TargetDefinition | undefined {
  if (connection.kind === REFERENCE_V8) {
    if (entry.target !== undefined) {
      throw new WrtError('CONFIG_SCHEMA', `${field}/target must be absent: ${REFERENCE_V8} runs modules in this process, not on a target`, fieldLocation(source, `${field}/target`));
    }
    return undefined;
  }
  if (entry.target === undefined) {
    throw new WrtError('CONFIG_SCHEMA', `${field}/target is required for connection ${describeConnection(connection)}`, fieldLocation(source, `${field}/target`, `required unless connection is ${REFERENCE_V8}`));
  }
  let target: TargetDefinition;
  try {
    target = loadTarget(entry.target, options.targets);
  } catch (error: unknown) {
    if (error instanceof WrtError && error.code === 'TARGET_UNKNOWN') {
      throw new WrtError('TARGET_UNKNOWN', `${field}/target: ${error.message}`, fieldLocation(source, `${field}/target`, error.location.limit), { cause: error });
    }
    throw error;
  }
  const wanted = TARGET_KIND_OF_CONNECTION[connection.kind];
  if (wanted !== undefined && target.kind !== wanted) {
    throw new WrtError(
      'CONFIG_SCHEMA',
      `${field}/connection ${describeConnection(connection)} needs a target of kind ${wanted}, but ${target.id} is ${target.kind}`,
      fieldLocation(source, `${field}/connection`, `${connection.kind} -> ${wanted}`),
    );
  }
  return target;
}

