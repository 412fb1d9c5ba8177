/**
 * What a QEMU exit status means for firmware built on targets/bsp. Mirrors
 * targets/bsp/cortex-m/wrt_exit_codes.h (test/deploy checks the two agree): the firmware owns
 * 0..239, the board support 240..255.
 */
export const FIRMWARE_EXIT_MAX = 239;

export const BOARD_EXIT_CODES = {
  242: 'NMI',
  243: 'HardFault',
  244: 'MemManage',
  245: 'BusFault',
  246: 'UsageFault',
  252: 'bad clock (no 1 ms SysTick reload)',
  253: 'unexpected interrupt',
  254: 'firmware asked for an exit code above 239',
  255: 'main returned a value above 239',
} as const satisfies Record<number, string>;

export type BoardExitCode = keyof typeof BOARD_EXIT_CODES;

export interface QemuExit {
  /** QEMU's exit status: the firmware's semihosting exit code, or QEMU's own error status. */
  readonly code: number | null;
  /** Set when QEMU died of a signal (stop() kills with SIGKILL). */
  readonly signal: NodeJS.Signals | null;
  /** True when stop() ended it rather than the guest or QEMU itself. */
  readonly stopped: boolean;
  /** QEMU's stderr (its own error messages; the guest prints on the UART). */
  readonly stderr: string;
}

export type ExitMeaning =
  | { readonly kind: 'firmware'; readonly code: number }
  | { readonly kind: 'board'; readonly code: number; readonly reason: string }
  | { readonly kind: 'signal'; readonly signal: string }
  | { readonly kind: 'unknown'; readonly code: number | null };

function isBoardExitCode(code: number): code is BoardExitCode {
  return Object.hasOwn(BOARD_EXIT_CODES, code);
}

/** Classifies an exit: a firmware result, a board-support crash report, or a killed QEMU. */
export function describeQemuExit(exit: Pick<QemuExit, 'code' | 'signal'>): ExitMeaning {
  if (exit.signal !== null) return { kind: 'signal', signal: exit.signal };
  const code = exit.code;
  if (code === null) return { kind: 'unknown', code };
  if (code >= 0 && code <= FIRMWARE_EXIT_MAX) return { kind: 'firmware', code };
  if (isBoardExitCode(code)) return { kind: 'board', code, reason: BOARD_EXIT_CODES[code] };
  return { kind: 'unknown', code };
}
