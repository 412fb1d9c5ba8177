/*
 * The STM32F4 clock tree: HSE (a crystal, or an external clock in bypass) into the main PLL, the
 * PLL as system clock, AHB and APB prescalers, flash wait states, and on F42x/F43x the over-drive
 * that 180 MHz needs. Every wait for a ready bit is bounded: a part that never reports ready is
 * left on the 16 MHz HSI it started on, with a status saying which step failed.
 */
#ifndef WRT_STM32F4_CLOCK_H
#define WRT_STM32F4_CLOCK_H

#include <stdint.h>

/* Polls of a ready bit before giving up: at least 100 ms on the 16 MHz HSI (a poll takes at least
 * 8 cycles), where RM0090 and the data sheets give 2 ms for HSE start-up, 100 us for PLL lock. */
#define WRT_STM32F4_READY_POLLS 200000u

typedef struct wrt_stm32f4_clock_plan {
  uint32_t hse_hz;
  /* 1: OSC_IN is driven by an external clock (the Nucleo's ST-LINK MCO), not a crystal. */
  uint32_t hse_bypass;
  /* SYSCLK = HSE / m * n / p; the 48 MHz domain = HSE / m * n / q (RM0090 6.3.2). */
  uint32_t pll_m, pll_n, pll_p, pll_q;
  uint32_t ahb_divider, apb1_divider, apb2_divider;
  /* PWR_CR VOS bits that select scale 1 on this part (RM0090 5.4.1). */
  uint32_t vos_scale1;
  /* 1: enter over-drive before the switch (F42x/F43x above 168 MHz, RM0090 5.1.4). */
  uint32_t over_drive;
} wrt_stm32f4_clock_plan;

typedef enum wrt_stm32f4_clock_status {
  WRT_STM32F4_CLOCK_OK = 0,
  WRT_STM32F4_CLOCK_HSE_TIMEOUT = 1,
  WRT_STM32F4_CLOCK_PLL_TIMEOUT = 2,
  WRT_STM32F4_CLOCK_OVERDRIVE_TIMEOUT = 3,
  WRT_STM32F4_CLOCK_OVERDRIVE_SWITCH_TIMEOUT = 4,
  WRT_STM32F4_CLOCK_LATENCY_REFUSED = 5,
  WRT_STM32F4_CLOCK_SWITCH_TIMEOUT = 6,
  /* The RCC reads as all zeros (HSI off while it is the system clock): no clock controller
   * answers, as under QEMU 7.2, where the RCC is an unimplemented device. The nominal clocks of
   * the plan are taken as the emulator's. */
  WRT_STM32F4_CLOCK_NO_RCC = 7,
  /* The plan's PLL settings are outside RM0090's ranges: nothing was written. */
  WRT_STM32F4_CLOCK_PLAN_INVALID = 8,
  /* Handed over on another clock (a boot loader's PLL), the chip did not go back to HSI. */
  WRT_STM32F4_CLOCK_HSI_TIMEOUT = 9,
} wrt_stm32f4_clock_status;

typedef struct wrt_stm32f4_clocks {
  uint32_t status;
  /* Ready-bit polls spent in all. */
  uint32_t polls;
  uint32_t sysclk_hz, hclk_hz, pclk1_hz, pclk2_hz;
} wrt_stm32f4_clocks;

/* SYSCLK the plan gives, or 0 when its PLL settings are out of RM0090's ranges. */
uint32_t wrt_stm32f4_plan_sysclk_hz(const wrt_stm32f4_clock_plan *plan);

/* Runs the plan; the frequencies are read back from RCC_CFGR and RCC_PLLCFGR. */
wrt_stm32f4_clocks wrt_stm32f4_clock_start(const wrt_stm32f4_clock_plan *plan);

/* A short name of a status, for the boot report. */
const char *wrt_stm32f4_clock_status_name(uint32_t status);

/* The boot line of a clock that did not come up, through the given text output; nothing when it
 * did, or when no clock controller answers (an emulator). */
void wrt_stm32f4_clock_report(const wrt_stm32f4_clocks *clocks, void (*puts)(const char *text), void (*put_u32)(uint32_t value));

#endif /* WRT_STM32F4_CLOCK_H */
