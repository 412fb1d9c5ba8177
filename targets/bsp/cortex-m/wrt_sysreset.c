#include "wrt_sysreset.h"

#include "wrt_cortex_m.h"

_Noreturn void wrt_sysreset(void) {
  wrt_dsb();
  /* Keep the priority grouping; VECTKEY must accompany every AIRCR write. */
  WRT_SCB_AIRCR = WRT_AIRCR_VECTKEY | (WRT_SCB_AIRCR & WRT_AIRCR_PRIGROUP_MASK) | WRT_AIRCR_SYSRESETREQ;
  wrt_dsb();
  /* The reset is not instantaneous on every chip. */
  for (;;) wrt_wfi();
}
