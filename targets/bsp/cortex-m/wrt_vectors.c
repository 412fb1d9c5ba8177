#include "wrt_vectors.h"

#include "wrt_fault.h"
#include "wrt_layout.h"
#include "wrt_systick.h"

__attribute__((section(".isr_vector"), used)) const wrt_vector wrt_vector_table[WRT_VECTOR_COUNT] = {
    [0] = {.stack_top = __wrt_stack_top},
    [1] = {.handler = wrt_reset_handler},
    [2] = {.handler = wrt_fault_handler},  /* NMI */
    [3] = {.handler = wrt_fault_handler},  /* HardFault */
    [4] = {.handler = wrt_fault_handler},  /* MemManage */
    [5] = {.handler = wrt_fault_handler},  /* BusFault */
    [6] = {.handler = wrt_fault_handler},  /* UsageFault */
    [7] = {.handler = wrt_fault_handler},  /* SecureFault (Armv8-M Security Extension; reserved before) */
    [11] = {.handler = wrt_unused_exception}, /* SVCall */
    [12] = {.handler = wrt_unused_exception}, /* DebugMonitor */
    [14] = {.handler = wrt_unused_exception}, /* PendSV */
    [15] = {.handler = wrt_systick_handler},
    [16 ... WRT_VECTOR_COUNT - 1u] = {.handler = wrt_irq_dispatch},
};
