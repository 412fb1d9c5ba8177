#include "wrt_bringup_faults.h"

#include <stdint.h>

#include "wrt_board_config.h"
#include "wrt_cortex_m.h"


static int wrt_bringup_same(const char *left, const char *right) {
  while (*left != '\0' && *left == *right) {
    left++;
    right++;
  }
  return *left == *right;
}

static void wrt_bringup_undefined_instruction(void) { __asm volatile("udf #0"); }

/* Each level keeps a frame the compiler cannot fold away. */
static uint32_t wrt_bringup_recurse(volatile uint32_t depth) {
  volatile uint32_t frame[16];
  frame[0] = depth;
  /* Ends after 2^32 levels in principle; the stack ends long before. */
  if (depth == 0xFFFFFFFFu) return frame[0];
  return wrt_bringup_recurse(depth + 1u) + frame[0];
}

void wrt_bringup_fault(const char *kind) {
  if (wrt_bringup_same(kind, "udf")) {
    wrt_bringup_undefined_instruction(); /* UsageFault, UNDEFINSTR */
  } else if (wrt_bringup_same(kind, "div0")) {
    volatile uint32_t numerator = 1u;
    volatile uint32_t denominator = 0u;
    numerator = numerator / denominator; /* UsageFault, DIVBYZERO (CCR.DIV_0_TRP is set) */
#if defined(WRT_BOARD_UNMAPPED_ADDRESS)
  } else if (wrt_bringup_same(kind, "bus")) {
    WRT_REG32(WRT_BOARD_UNMAPPED_ADDRESS) = 0u; /* BusFault, PRECISERR */
#endif
  } else if (wrt_bringup_same(kind, "hard")) {
    /* With the UsageFault handler disabled the same fault escalates: HardFault, HFSR.FORCED. */
    WRT_SCB_SHCSR &= ~WRT_SHCSR_USGFAULTENA;
    wrt_dsb();
    wrt_isb();
    wrt_bringup_undefined_instruction();
  } else if (wrt_bringup_same(kind, "stack")) {
    (void)wrt_bringup_recurse(0u); /* runs below the RAM base: a fault while stacking */
  }
}
