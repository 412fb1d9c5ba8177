/* The millisecond tick: SysTick on the CPU clock, one interrupt per millisecond. */
#ifndef WRT_SYSTICK_H
#define WRT_SYSTICK_H

#include <stdint.h>

/* Returns 0 when the clock gives no whole reload value for 1 ms in SysTick's 24 bits. */
int wrt_systick_init(uint32_t clock_hz);
uint32_t wrt_systick_millis(void);
/* Nanoseconds since the tick started: the millisecond count (64 bits: no wrap in the board's life)
 * plus how far SysTick has counted into the next one. */
uint64_t wrt_systick_nanos(void);
void wrt_systick_handler(void);

#endif /* WRT_SYSTICK_H */
