/*
 * Exit codes the board support itself produces (QEMU's exit status). Firmware owns 0..239;
 * the board support owns 240..255, so a host can tell a crash from a result.
 * A fault exits with WRT_EXIT_FAULT_BASE + its exception number.
 */
#ifndef WRT_EXIT_CODES_H
#define WRT_EXIT_CODES_H

#define WRT_EXIT_FIRMWARE_MAX 239u
#define WRT_EXIT_FAULT_BASE 240u
#define WRT_EXIT_NMI 242u        /* 240 + exception 2 */
#define WRT_EXIT_HARDFAULT 243u  /* 240 + exception 3 */
#define WRT_EXIT_MEMMANAGE 244u  /* 240 + exception 4 */
#define WRT_EXIT_BUSFAULT 245u   /* 240 + exception 5 */
#define WRT_EXIT_USAGEFAULT 246u /* 240 + exception 6 */
/* The board clock gives no 1 ms SysTick reload (wrong clock configuration). */
#define WRT_EXIT_BAD_CLOCK 252u
/* An interrupt fired that no driver enabled (a wrong vector table or IRQ number). */
#define WRT_EXIT_UNEXPECTED_IRQ 253u
/* The firmware asked for an exit code above WRT_EXIT_FIRMWARE_MAX. */
#define WRT_EXIT_BAD_CODE 254u
/* main() returned a value above WRT_EXIT_FIRMWARE_MAX. */
#define WRT_EXIT_MAIN_RETURNED_BAD 255u

#endif /* WRT_EXIT_CODES_H */
