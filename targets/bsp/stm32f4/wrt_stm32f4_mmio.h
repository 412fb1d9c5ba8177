/*
 * Register access of the STM32F4 support. On the chip a volatile load or store; in the host build
 * of test/deploy/stm32f4-clock.test.ts (WRT_STM32F4_FAKE_MMIO) calls into a register file that
 * models RM0090's ready bits and records every write, so the clock sequence, which QEMU does not
 * model, is checked against the reference manual without a board.
 */
#ifndef WRT_STM32F4_MMIO_H
#define WRT_STM32F4_MMIO_H

#include <stdint.h>

#if defined(WRT_STM32F4_FAKE_MMIO)
uint32_t wrt_stm32f4_fake_read(uint32_t address);
void wrt_stm32f4_fake_write(uint32_t address, uint32_t value);
static inline uint32_t wrt_stm32f4_read(uint32_t address) { return wrt_stm32f4_fake_read(address); }
static inline void wrt_stm32f4_write(uint32_t address, uint32_t value) { wrt_stm32f4_fake_write(address, value); }
#else
static inline uint32_t wrt_stm32f4_read(uint32_t address) { return *(volatile uint32_t *)(uintptr_t)address; }
static inline void wrt_stm32f4_write(uint32_t address, uint32_t value) { *(volatile uint32_t *)(uintptr_t)address = value; }
#endif

static inline void wrt_stm32f4_set(uint32_t address, uint32_t bits) { wrt_stm32f4_write(address, wrt_stm32f4_read(address) | bits); }
static inline void wrt_stm32f4_clear(uint32_t address, uint32_t bits) { wrt_stm32f4_write(address, wrt_stm32f4_read(address) & ~bits); }

#endif /* WRT_STM32F4_MMIO_H */
