#include "wrt_systick.h"

#include "wrt_cortex_m.h"

static volatile uint32_t wrt_millis_count;

int wrt_systick_init(uint32_t clock_hz) {
  uint32_t reload = clock_hz / 1000u;
  if (reload < 2u || reload - 1u > WRT_SYST_RVR_MAX) return 0;
  WRT_SYST_CSR = 0u;
  WRT_SYST_RVR = reload - 1u;
  WRT_SYST_CVR = 0u;
  WRT_SYST_CSR = WRT_SYST_CSR_ENABLE | WRT_SYST_CSR_TICKINT | WRT_SYST_CSR_CLKSOURCE_CPU;
  return 1;
}

uint32_t wrt_systick_millis(void) { return wrt_millis_count; }

uint64_t wrt_systick_nanos(void) {
  uint32_t ms;
  uint32_t counted;
  /* A tick between the two reads would pair one millisecond with the other's count: read again. */
  do {
    ms = wrt_millis_count;
    counted = WRT_SYST_RVR - WRT_SYST_CVR;
  } while (ms != wrt_millis_count);
  return (uint64_t)ms * 1000000u + (uint64_t)counted * 1000000u / (WRT_SYST_RVR + 1u);
}

void wrt_systick_handler(void) { wrt_millis_count = wrt_millis_count + 1u; }
