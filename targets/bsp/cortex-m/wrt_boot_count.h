/* Counts starts since power-on in RAM the startup code never initialises (.noinit). */
#ifndef WRT_BOOT_COUNT_H
#define WRT_BOOT_COUNT_H

#include <stdint.h>

/* Called once per start, before main; returns the new count (1 after power-on). */
uint32_t wrt_boot_count_update(void);
uint32_t wrt_boot_count(void);

#endif /* WRT_BOOT_COUNT_H */
