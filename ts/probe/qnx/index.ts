export { parsePidinAsinfo } from './pidin-asinfo.js';
export { parseQnxSyspage } from './syspage.js';
export { qnxLimitsFromSyspage } from './limits.js';
export { readPidinFile, readQnxDump } from './read.js';
export type { QnxParseOptions } from './options.js';
export { describeSyspageType } from './syspage-type.js';
export type {
  QnxArch,
  QnxAsinfoEntry,
  QnxCfiFacts,
  QnxCpuInfoEntry,
  QnxInfoSource,
  QnxLimits,
  QnxSectionInfo,
  QnxSourcedValue,
  QnxSyspageInfo,
  QnxVersion,
} from './types.js';
