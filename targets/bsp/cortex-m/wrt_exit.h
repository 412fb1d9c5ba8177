/* The one way the board support ends a program (see wrt_exit_codes.h for the codes). */
#ifndef WRT_EXIT_H
#define WRT_EXIT_H

#include <stdint.h>

/* Flushes the UART, then ends through semihosting when the board has it (QEMU), else resets
 * the chip: a bare board has no one to report a code to. */
_Noreturn void wrt_exit(uint32_t code);

#endif /* WRT_EXIT_H */
