/*
 * The PLL start-up sequence of the LM3S6965 data sheet (6.3 Initialization and Configuration):
 * bypass the PLL, pick the crystal, power the PLL, set the divider, wait for lock, use the PLL.
 * QEMU models the divider (its clock is 200 MHz / (SYSDIV + 1)) and reports lock at once.
 */
#include "wrt_board.h"
#include "wrt_lm3s_sysctl.h"

/* Far longer than the data sheet's lock time at any clock; a chip that never locks stays on the
 * bypassed crystal instead of hanging. */
#define WRT_LM3S_PLL_LOCK_POLLS 1000000u
#define WRT_LM3S_CRYSTAL_HZ 8000000u

uint32_t wrt_board_clock_init(void) {
  WRT_LM3S_RCC2 &= ~WRT_LM3S_RCC2_USERCC2;
  uint32_t rcc = WRT_LM3S_RCC;
  rcc |= WRT_LM3S_RCC_BYPASS;
  rcc &= ~WRT_LM3S_RCC_USESYSDIV;
  WRT_LM3S_RCC = rcc;

  rcc &= ~(WRT_LM3S_RCC_XTAL_MASK | WRT_LM3S_RCC_OSCSRC_MASK | WRT_LM3S_RCC_PWRDN | WRT_LM3S_RCC_MOSCDIS);
  rcc |= WRT_LM3S_RCC_XTAL_8MHZ;
  WRT_LM3S_MISC = WRT_LM3S_RIS_PLLLRIS;
  WRT_LM3S_RCC = rcc;

  rcc &= ~WRT_LM3S_RCC_SYSDIV_MASK;
  rcc |= (WRT_BOARD_SYSDIV << WRT_LM3S_RCC_SYSDIV_SHIFT) | WRT_LM3S_RCC_USESYSDIV;
  WRT_LM3S_RCC = rcc;

  uint32_t polls = 0u;
  while ((WRT_LM3S_RIS & WRT_LM3S_RIS_PLLLRIS) == 0u && polls < WRT_LM3S_PLL_LOCK_POLLS) polls++;
  if ((WRT_LM3S_RIS & WRT_LM3S_RIS_PLLLRIS) != 0u) {
    rcc &= ~WRT_LM3S_RCC_BYPASS;
    WRT_LM3S_RCC = rcc;
  }

  /* Read back, so what the firmware reports is what the chip runs at. */
  uint32_t now = WRT_LM3S_RCC;
  uint32_t divide = ((now & WRT_LM3S_RCC_SYSDIV_MASK) >> WRT_LM3S_RCC_SYSDIV_SHIFT) + 1u;
  uint32_t source = (now & WRT_LM3S_RCC_BYPASS) != 0u ? WRT_LM3S_CRYSTAL_HZ : WRT_BOARD_PLL_HZ;
  return (now & WRT_LM3S_RCC_USESYSDIV) != 0u ? source / divide : source;
}
