/* Symbols the linker script (cortex-m.ld) defines: where each part of RAM and flash is. */
#ifndef WRT_LAYOUT_H
#define WRT_LAYOUT_H

#include <stdint.h>

extern uint32_t __wrt_flash_start[], __wrt_flash_end[];
extern uint32_t __wrt_ram_start[], __wrt_ram_end[];
extern uint32_t __wrt_stack_bottom[], __wrt_stack_top[];
extern uint32_t __wrt_data_load[], __wrt_data_start[], __wrt_data_end[];
extern uint32_t __wrt_bss_start[], __wrt_bss_end[];
extern uint32_t __wrt_free_start[], __wrt_free_end[];

static inline uint32_t wrt_layout_address(const uint32_t *symbol) { return (uint32_t)(uintptr_t)symbol; }

#endif /* WRT_LAYOUT_H */
