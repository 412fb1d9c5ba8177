#include "wrt_semihost.h"

#include "wrt_cortex_m.h"

static uint32_t wrt_semihost_call(uint32_t operation, uint32_t argument) {
  register uint32_t r0 __asm("r0") = operation;
  register uint32_t r1 __asm("r1") = argument;
  __asm volatile("bkpt 0xAB" : "+r"(r0) : "r"(r1) : "memory");
  return r0;
}

_Noreturn void wrt_semihost_exit(uint32_t code) {
  /* SYS_EXIT_EXTENDED carries the whole code; plain SYS_EXIT on AArch32 only says
   * success or failure, so it is the fallback for hosts without the extension. */
  volatile uint32_t block[2] = {WRT_SEMIHOST_ADP_STOPPED_APPLICATION_EXIT, code};
  (void)wrt_semihost_call(WRT_SEMIHOST_SYS_EXIT_EXTENDED, (uint32_t)(uintptr_t)block);
  (void)wrt_semihost_call(WRT_SEMIHOST_SYS_EXIT, WRT_SEMIHOST_ADP_STOPPED_APPLICATION_EXIT);
  for (;;) wrt_wfi();
}
