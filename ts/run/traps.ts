/**
 * The trap codes of an INVOKE answer live in ts/device/engine-codes.ts; run-module.ts still
 * imports them from here while the device path is being merged into one session.
 */
export { TRAP_EXIT, trapMessage } from '../device/engine-codes.js';
