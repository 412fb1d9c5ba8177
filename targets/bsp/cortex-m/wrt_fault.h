/*
 * Fault handling: NMI, HardFault, MemManage, BusFault and UsageFault all end the program. The
 * handler moves to a stack of its own (the faulting one may be the problem), prints the fault
 * registers and the stacked frame on the UART, and exits with WRT_EXIT_FAULT_BASE + exception.
 */
#ifndef WRT_FAULT_H
#define WRT_FAULT_H

#include <stdint.h>

void wrt_fault_handler(void);
/* Reports an exception or interrupt nothing handles, and exits with WRT_EXIT_UNEXPECTED_IRQ. */
_Noreturn void wrt_fault_unexpected(uint32_t exception);

#endif /* WRT_FAULT_H */
