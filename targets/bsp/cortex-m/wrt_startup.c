/*
 * Reset: stack, FPU, .data, .bss, vector table, fault handlers, boot count, clocks, port, main.
 * Nothing before the FPU enable may use a floating-point register (it would UsageFault), and
 * nothing before .data and .bss are set up may rely on a static variable.
 */
#include <stdint.h>

#include "wrt_board.h"
#include "wrt_boot_count.h"
#include "wrt_cortex_m.h"
#include "wrt_exit.h"
#include "wrt_exit_codes.h"
#include "wrt_layout.h"
#include "wrt_port_internal.h"
#include "wrt_vectors.h"

int main(void);
_Noreturn void wrt_startup(void);

/* The hardware loads SP from the vector table, but a boot loader jumping here may not. */
__attribute__((naked, noreturn)) void wrt_reset_handler(void) {
  __asm volatile(
      "ldr r0, =__wrt_stack_top\n\t"
      "msr msp, r0\n\t"
      "b wrt_startup\n\t");
}

static void wrt_startup_fpu(void) {
#if defined(__ARM_FP)
  WRT_SCB_CPACR |= WRT_CPACR_FPU_FULL;
  wrt_dsb();
  wrt_isb();
#endif
}

static void wrt_startup_memory(void) {
  const volatile uint32_t *load = __wrt_data_load;
  for (volatile uint32_t *word = __wrt_data_start; word < __wrt_data_end; word++) *word = *load++;
  for (volatile uint32_t *word = __wrt_bss_start; word < __wrt_bss_end; word++) *word = 0u;
}

static void wrt_startup_faults(void) {
  /* Separate handlers give separate exit codes; without them all escalate to HardFault. */
  WRT_SCB_SHCSR |= WRT_SHCSR_MEMFAULTENA | WRT_SHCSR_BUSFAULTENA | WRT_SHCSR_USGFAULTENA;
  /* An integer division by zero is a bug to report, not a silent 0. */
  WRT_SCB_CCR |= WRT_CCR_DIV_0_TRP;
  wrt_dsb();
  wrt_isb();
}

_Noreturn void wrt_startup(void) {
  wrt_startup_fpu();
  wrt_startup_memory();
  WRT_SCB_VTOR = (uint32_t)(uintptr_t)wrt_vector_table;
  wrt_startup_faults();
  (void)wrt_boot_count_update();
  uint32_t clock_hz = wrt_board_clock_init();
  if (!wrt_port_start(clock_hz)) wrt_exit(WRT_EXIT_BAD_CLOCK);
  int code = main();
  wrt_exit(code >= 0 && (uint32_t)code <= WRT_EXIT_FIRMWARE_MAX ? (uint32_t)code : WRT_EXIT_MAIN_RETURNED_BAD);
}
