#include "wrt_systick.h"

#include "wrt_cortex_m.h"

/* Milliseconds since the tick started, as two words: the handler carries into the high one. */
static volatile uint32_t wrt_millis_count;
static volatile uint32_t wrt_millis_high;
/* CPU cycles per millisecond (the reload value plus one), to turn the down-counter into nanoseconds. */
static uint32_t wrt_systick_cycles_per_ms;

int wrt_systick_init(uint32_t clock_hz) {
  uint32_t reload = clock_hz / 1000u;
  if (reload < 2u || reload - 1u > WRT_SYST_RVR_MAX) return 0;
  wrt_systick_cycles_per_ms = reload;
  WRT_SYST_CSR = 0u;
  WRT_SYST_RVR = reload - 1u;
  WRT_SYST_CVR = 0u;
  WRT_SYST_CSR = WRT_SYST_CSR_ENABLE | WRT_SYST_CSR_TICKINT | WRT_SYST_CSR_CLKSOURCE_CPU;
  return 1;
}

uint32_t wrt_systick_millis(void) { return wrt_millis_count; }

/*
 * Nanoseconds since the tick started: the millisecond count plus how far SysTick has counted into
 * the next millisecond (one count per CPU cycle). Read again when a tick came in between (the
 * handler runs at most once per millisecond, so three reads always agree twice). The board
 * natives' microsecond clock and the engine's monotonic clock both read it.
 */
uint64_t wrt_systick_nanos(void) {
  uint64_t ns = 0;
  for (uint32_t attempt = 0; attempt < 3u; attempt++) {
    uint32_t high = wrt_millis_high;
    uint32_t low = wrt_millis_count;
    uint32_t left = WRT_SYST_CVR;
    if (low != wrt_millis_count || high != wrt_millis_high) continue;
    uint32_t into = wrt_systick_cycles_per_ms - 1u - (left > wrt_systick_cycles_per_ms - 1u ? 0u : left);
    uint64_t ms = ((uint64_t)high << 32) | low;
    ns = ms * 1000000u + (uint64_t)into * 1000000u / (wrt_systick_cycles_per_ms != 0u ? wrt_systick_cycles_per_ms : 1u);
    break;
  }
  return ns;
}

void wrt_systick_handler(void) {
  uint32_t low = wrt_millis_count + 1u;
  wrt_millis_count = low;
  if (low == 0u) wrt_millis_high = wrt_millis_high + 1u;
}
