/*
 * Arm semihosting (Arm "Semihosting for AArch32 and AArch64", version 2): BKPT 0xAB with the
 * operation in r0 and its argument in r1. Only valid when a debugger or QEMU
 * (-semihosting-config enable=on) handles it; on a bare chip the BKPT escalates to HardFault.
 */
#ifndef WRT_SEMIHOST_H
#define WRT_SEMIHOST_H

#include <stdint.h>

#define WRT_SEMIHOST_SYS_WRITE0 0x04u
#define WRT_SEMIHOST_SYS_EXIT 0x18u
#define WRT_SEMIHOST_SYS_EXIT_EXTENDED 0x20u
#define WRT_SEMIHOST_ADP_STOPPED_APPLICATION_EXIT 0x20026u

/* Ends the program; QEMU exits with `code` (0..255 reach the host intact). */
_Noreturn void wrt_semihost_exit(uint32_t code);

#endif /* WRT_SEMIHOST_H */
