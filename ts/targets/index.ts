export {
  TARGET_FILE_EXTENSION,
  TARGET_SCHEMA_PATH,
  findTargetsDirFrom,
  listTargetIds,
  listTargets,
  loadTarget,
  loadTargetFile,
  parseTargetDefinition,
  summarizeTarget,
  TARGET_SCHEMA,
  targetsDir,
  type TargetDirOptions,
  type TargetSummary,
} from './load.js';
export { CORE_SPECS, checkTargetSemantics, isHostKind } from './semantics.js';
export { flashCommand, type FlashCommand, type FlashInputs } from './flash.js';
export { INPUT_PLACEHOLDERS, EMULATOR_PLACEHOLDERS, SPLICE_PLACEHOLDER, type FlashInputName } from './template.js';
export { targetLimits, type TargetLimit, type TargetLimits } from './limits.js';
export { defaultAdapterKind, describeLocking, memoryAdapterOf, nativeSimMemoryArgs, type ResolvedMemoryAdapter } from './memory-adapter.js';
export * from './types.js';
