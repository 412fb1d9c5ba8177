/**
 * Every error the toolchain reports has one of these codes. Codes are stable: scripts and CI
 * pipelines match on them, so a code is never renamed or reused; new ones are appended.
 * The exit code of a command follows from the code of the error that ended it.
 */
export const ExitCode = {
  /** The command did what was asked and every check passed. */
  Ok: 0,
  /** The command ran, and a check it performs failed (over budget, invalid module, missing CFI). */
  CheckFailed: 1,
  /** The command line, a file or a value given to the tool is wrong. */
  UsageOrInput: 2,
  /** Something the tool needs from this machine is missing (addon, toolchain, emulator). */
  Environment: 3,
  /** A defect in wrt-target itself; the message asks for a bug report. */
  Internal: 4,
} as const;
export type ExitCode = (typeof ExitCode)[keyof typeof ExitCode];

interface CodeSpec {
  readonly exit: ExitCode;
  readonly summary: string;
}

function spec(exit: ExitCode, summary: string): CodeSpec {
  return { exit, summary };
}

export const ERROR_CODES = {
  // Command line and generic input
  USAGE: spec(ExitCode.UsageOrInput, 'the command line is not valid'),
  FILE_NOT_FOUND: spec(ExitCode.UsageOrInput, 'a file named on the command line or in a config does not exist'),
  FILE_READ_FAILED: spec(ExitCode.UsageOrInput, 'a file exists but could not be read (or is a directory, device or FIFO)'),
  VALUE_INVALID: spec(ExitCode.UsageOrInput, 'a value (flag, environment variable, config field) is malformed'),
  // Config files and data files under targets/ and hil/
  CONFIG_PARSE: spec(ExitCode.UsageOrInput, 'a config file is not valid YAML or JSON'),
  CONFIG_SCHEMA: spec(ExitCode.UsageOrInput, 'a config file does not match its schema'),
  TARGET_UNKNOWN: spec(ExitCode.UsageOrInput, 'no target definition has the given id'),
  TARGET_INVALID: spec(ExitCode.UsageOrInput, 'a target definition does not match the target schema'),
  // Binary formats
  ELF_NOT_ELF: spec(ExitCode.UsageOrInput, 'the file does not start with the ELF magic'),
  ELF_TRUNCATED: spec(ExitCode.UsageOrInput, 'an ELF structure reaches past the end of the file'),
  ELF_MALFORMED: spec(ExitCode.UsageOrInput, 'an ELF structure holds an impossible value'),
  SYSPAGE_TRUNCATED: spec(ExitCode.UsageOrInput, 'a QNX SYSPAGE structure reaches past the end of the dump'),
  SYSPAGE_MALFORMED: spec(ExitCode.UsageOrInput, 'a QNX SYSPAGE dump holds an impossible value'),
  PIDIN_MALFORMED: spec(ExitCode.UsageOrInput, 'a `pidin syspage=asinfo` listing cannot be read'),
  WASM_MALFORMED: spec(ExitCode.CheckFailed, 'the WebAssembly binary is malformed'),
  WASM_INVALID: spec(ExitCode.CheckFailed, 'the WebAssembly module does not validate'),
  WASM_UNSUPPORTED: spec(ExitCode.CheckFailed, 'the module uses a feature this target does not support (SIMD on a device)'),
  WASM_LINK_FAILED: spec(ExitCode.CheckFailed, 'an import is unknown to the host or has another type'),
  NATIVES_INVALID: spec(ExitCode.UsageOrInput, 'a --natives C file has no readable table of natives, or one the device cannot take'),
  WASM_TRAPPED: spec(ExitCode.CheckFailed, 'instantiation or the start function trapped'),
  // Budgets and bounded structures
  CAPACITY_EXCEEDED: spec(ExitCode.CheckFailed, 'a bounded collection was asked to grow past its capacity'),
  BUDGET_EXCEEDED: spec(ExitCode.CheckFailed, 'a memory budget cannot satisfy an allocation'),
  LIMIT_EXCEEDED: spec(ExitCode.CheckFailed, 'a module or program needs more than a target limit allows'),
  SAFETY_LEVEL_LOWERED: spec(ExitCode.UsageOrInput, 'a runtime ASIL level below the compiled level was requested'),
  CFI_REQUIREMENT_UNMET: spec(ExitCode.CheckFailed, 'a CFI feature required by the chosen level is missing'),
  // Environment
  NATIVE_ADDON_MISSING: spec(ExitCode.Environment, 'the native probe addon is not built or cannot load'),
  TOOL_MISSING: spec(ExitCode.Environment, 'an external tool (compiler, emulator) is not installed'),
  HOST_READ_FAILED: spec(ExitCode.Environment, 'a host fact could not be read'),
  // Files written and things built for the user
  FILE_WRITE_FAILED: spec(ExitCode.UsageOrInput, 'a report or output file could not be written where the user asked'),
  MODULE_BUILD_FAILED: spec(ExitCode.UsageOrInput, 'a .wat or .c source did not compile to WebAssembly'),
  FIRMWARE_BUILD_FAILED: spec(ExitCode.Environment, 'the device firmware did not build (make or the cross compiler reported an error) or its build was interrupted'),
  // Devices (native-sim, emulated and real boards)
  DEVICE_TIMEOUT: spec(ExitCode.Environment, 'the device did not answer in time'),
  DEVICE_ERROR: spec(ExitCode.CheckFailed, 'the device answered a request with an error frame'),
  EMULATOR_FAILED: spec(ExitCode.Environment, 'the emulator (QEMU) failed or hung while starting'),
  PROTOCOL_ERROR: spec(ExitCode.Environment, 'the link broke the wire protocol (bad frames, wrong sequence, closed link)'),
  PROFILE_REFUSED: spec(ExitCode.CheckFailed, 'a profile belongs to another module or target, or the device refused it'),
  // The module a command runs
  MODULE_NOT_WASM: spec(ExitCode.UsageOrInput, 'the file given as a module is not a WebAssembly binary (text, ELF, empty, ...)'),
  EXPORT_NOT_FOUND: spec(ExitCode.UsageOrInput, 'the module has no exported function of the name asked for'),
  // Defects
  INTERNAL: spec(ExitCode.Internal, 'an internal error in wrt-target'),
  // Input files, added later
  FILE_TOO_LARGE: spec(ExitCode.UsageOrInput, 'a file is larger than the most the tool reads for what it is'),
  // The per-user cache, added later
  CACHE_DIR_UNWRITABLE: spec(ExitCode.Environment, 'the per-user cache directory (firmware builds, module cache) cannot be created or written'),
  // Signed modules
  SIGNATURE_MISSING: spec(ExitCode.CheckFailed, 'the module carries no signature section'),
  SIGNATURE_INVALID: spec(ExitCode.CheckFailed, 'the module\'s signature does not verify with the key (tampered, other key, malformed)'),
  KEY_INVALID: spec(ExitCode.UsageOrInput, 'a key file is not an Ed25519 key in the module-signatures format'),
  SIGNING_KEY_REQUIRED: spec(ExitCode.CheckFailed, 'the chosen level requires a module signed by a named key, and no --signing-key names one'),
  // WIT (the Component Model's interface language)
  WIT_SYNTAX: spec(ExitCode.CheckFailed, 'a WIT file does not follow the WIT grammar (bad character, token or identifier)'),
  WIT_UNDEFINED: spec(ExitCode.CheckFailed, 'a WIT name, interface, world or package is used but not defined'),
  WIT_CYCLE: spec(ExitCode.CheckFailed, 'WIT types, interfaces, worlds or packages depend on themselves'),
  WIT_INVALID: spec(ExitCode.CheckFailed, 'a WIT package is well formed but breaks a rule (duplicate name, bad handle, bad feature gate)'),
  // Components (the Component Model's binary format)
  COMPONENT_MALFORMED: spec(ExitCode.CheckFailed, 'the component binary is malformed'),
  COMPONENT_INVALID: spec(ExitCode.CheckFailed, 'the component does not validate'),
  COMPONENT_UNSUPPORTED: spec(ExitCode.CheckFailed, 'the component uses a gated Component Model feature (async, error-context, fixed-size lists, maps, ...)'),
  // Real boards: flashing the firmware
  BOARD_UNSUPPORTED: spec(ExitCode.UsageOrInput, 'the target is a real board no targets/bsp board support builds firmware for'),
  PROBE_NOT_FOUND: spec(ExitCode.Environment, 'the flash tool found no debug probe (board not connected, or no permission on its USB device)'),
  FLASH_FAILED: spec(ExitCode.Environment, 'the flash tool ran and failed to program the board'),
  // DWARF debug sections a module carries for the host (source lines of a trap's backtrace)
  DWARF_MALFORMED: spec(ExitCode.CheckFailed, 'a DWARF section of the module (.debug_line, .debug_str, .debug_line_str) is truncated or holds an impossible value'),
  DWARF_UNSUPPORTED: spec(ExitCode.CheckFailed, 'a DWARF section uses a version or form this reader does not read (64-bit DWARF, DW_FORM_strx, a version outside 2-5)'),
  // Memory adapters (native/platform)
  MEMORY_ADAPTER_FAILED: spec(ExitCode.Environment, 'native-sim could not take its arena as the target\'s memory.adapter asks (mlock over RLIMIT_MEMLOCK, no huge pages, no typed memory)'),
} as const satisfies Record<string, CodeSpec>;

export type ErrorCode = keyof typeof ERROR_CODES;

export function exitCodeOf(code: ErrorCode): ExitCode {
  return ERROR_CODES[code].exit;
}
