/*
 * The clock start-up of RM0090: 6.2 (HSE, PLL), 5.1.4 "Entering Over-drive mode" (F42x/F43x), and
 * 3.5.1 "Increasing the CPU frequency" (wait states first, read back, then the switch, read back).
 * QEMU 7.2 models none of RCC, PWR or FLASH (unimplemented devices that read as zero): there this
 * code runs until the HSE wait gives up; test/deploy/stm32f4-clock.test.ts runs it against a
 * register file that follows the manual.
 */
#include "wrt_stm32f4_clock.h"

#include "wrt_stm32f4_mmio.h"
#include "wrt_stm32f4_regs.h"

/* Polls until (register & mask) == want; returns 0 when the bound ran out. */
static int wrt_stm32f4_wait(uint32_t address, uint32_t mask, uint32_t want, uint32_t *polls) {
  for (uint32_t poll = 0u; poll < WRT_STM32F4_READY_POLLS; poll++) {
    *polls = *polls + 1u;
    if ((wrt_stm32f4_read(address) & mask) == want) return 1;
  }
  return 0;
}

/* HPRE field (RM0090 6.3.3): 0xxx /1, 1000 /2 ... 1011 /16, 1100 /64 ... 1111 /512. */
static uint32_t wrt_stm32f4_hpre_field(uint32_t divider) {
  static const uint16_t dividers[8] = {2u, 4u, 8u, 16u, 64u, 128u, 256u, 512u};
  for (uint32_t index = 0u; index < 8u; index++) {
    if (dividers[index] == divider) return 8u + index;
  }
  return 0u;
}

static uint32_t wrt_stm32f4_hpre_divider(uint32_t field) {
  static const uint16_t dividers[8] = {2u, 4u, 8u, 16u, 64u, 128u, 256u, 512u};
  return field < 8u ? 1u : dividers[field - 8u];
}

/* PPRE1/PPRE2 field: 0xx /1, 100 /2, 101 /4, 110 /8, 111 /16. */
static uint32_t wrt_stm32f4_ppre_field(uint32_t divider) {
  for (uint32_t field = 4u; field < 8u; field++) {
    if ((1u << (field - 3u)) == divider) return field;
  }
  return 0u;
}

static uint32_t wrt_stm32f4_ppre_divider(uint32_t field) { return field < 4u ? 1u : 1u << (field - 3u); }

static int wrt_stm32f4_plan_valid(const wrt_stm32f4_clock_plan *plan) {
  /* RM0090 6.3.2: 2 <= M <= 63, VCO input 1..2 MHz, 50 <= N <= 432, VCO output 100..432 MHz,
   * P in {2, 4, 6, 8}, 2 <= Q <= 15. */
  if (plan->pll_m < 2u || plan->pll_m > 63u || plan->pll_n < 50u || plan->pll_n > 432u) return 0;
  if (plan->pll_p < 2u || plan->pll_p > 8u || (plan->pll_p & 1u) != 0u || plan->pll_q < 2u || plan->pll_q > 15u) return 0;
  uint32_t vco_in = plan->hse_hz / plan->pll_m;
  if (vco_in < 1000000u || vco_in > 2000000u || plan->hse_hz % plan->pll_m != 0u) return 0;
  uint64_t vco_out = (uint64_t)vco_in * plan->pll_n;
  return vco_out >= 100000000u && vco_out <= 432000000u;
}

uint32_t wrt_stm32f4_plan_sysclk_hz(const wrt_stm32f4_clock_plan *plan) {
  if (!wrt_stm32f4_plan_valid(plan)) return 0u;
  return plan->hse_hz / plan->pll_m * plan->pll_n / plan->pll_p;
}

static uint32_t wrt_stm32f4_pll_hz(uint32_t pllcfgr, uint32_t hse_hz) {
  uint32_t m = (pllcfgr & WRT_STM32F4_RCC_PLLCFGR_M_MASK) >> WRT_STM32F4_RCC_PLLCFGR_M_SHIFT;
  uint32_t n = (pllcfgr & WRT_STM32F4_RCC_PLLCFGR_N_MASK) >> WRT_STM32F4_RCC_PLLCFGR_N_SHIFT;
  uint32_t p = 2u * (((pllcfgr & WRT_STM32F4_RCC_PLLCFGR_P_MASK) >> WRT_STM32F4_RCC_PLLCFGR_P_SHIFT) + 1u);
  uint32_t source = (pllcfgr & WRT_STM32F4_RCC_PLLCFGR_SRC_HSE) != 0u ? hse_hz : WRT_STM32F4_HSI_HZ;
  if (m == 0u) return 0u;
  return (uint32_t)((uint64_t)(source / m) * n / p);
}

/* The clocks the chip runs at, read back from its registers. */
static void wrt_stm32f4_read_back(const wrt_stm32f4_clock_plan *plan, wrt_stm32f4_clocks *out) {
  uint32_t cfgr = wrt_stm32f4_read(WRT_STM32F4_RCC_CFGR);
  uint32_t source = (cfgr & WRT_STM32F4_RCC_CFGR_SWS_MASK) >> WRT_STM32F4_RCC_CFGR_SWS_SHIFT;
  uint32_t sysclk = source == WRT_STM32F4_RCC_CFGR_SOURCE_HSE ? plan->hse_hz
                    : source == WRT_STM32F4_RCC_CFGR_SOURCE_PLL ? wrt_stm32f4_pll_hz(wrt_stm32f4_read(WRT_STM32F4_RCC_PLLCFGR), plan->hse_hz)
                                                                : WRT_STM32F4_HSI_HZ;
  out->sysclk_hz = sysclk;
  out->hclk_hz = sysclk / wrt_stm32f4_hpre_divider((cfgr & WRT_STM32F4_RCC_CFGR_HPRE_MASK) >> WRT_STM32F4_RCC_CFGR_HPRE_SHIFT);
  out->pclk1_hz = out->hclk_hz / wrt_stm32f4_ppre_divider((cfgr & WRT_STM32F4_RCC_CFGR_PPRE1_MASK) >> WRT_STM32F4_RCC_CFGR_PPRE1_SHIFT);
  out->pclk2_hz = out->hclk_hz / wrt_stm32f4_ppre_divider((cfgr & WRT_STM32F4_RCC_CFGR_PPRE2_MASK) >> WRT_STM32F4_RCC_CFGR_PPRE2_SHIFT);
}

/* HSE off, and its bypass once it is (RM0090 6.3.1: HSEBYP only with the oscillator disabled). */
static void wrt_stm32f4_hse_off(uint32_t *polls) {
  wrt_stm32f4_clear(WRT_STM32F4_RCC_CR, WRT_STM32F4_RCC_CR_HSEON);
  (void)wrt_stm32f4_wait(WRT_STM32F4_RCC_CR, WRT_STM32F4_RCC_CR_HSERDY, 0u, polls);
  wrt_stm32f4_clear(WRT_STM32F4_RCC_CR, WRT_STM32F4_RCC_CR_HSEBYP);
}

/* Back to the state the chip started in: HSI as system clock with no prescaler, PLL, over-drive
 * and HSE off. */
static void wrt_stm32f4_give_up(const wrt_stm32f4_clock_plan *plan, uint32_t *polls) {
  wrt_stm32f4_clear(WRT_STM32F4_RCC_CFGR, WRT_STM32F4_RCC_CFGR_SW_MASK);
  (void)wrt_stm32f4_wait(WRT_STM32F4_RCC_CFGR, WRT_STM32F4_RCC_CFGR_SWS_MASK, 0u, polls);
  wrt_stm32f4_clear(WRT_STM32F4_RCC_CFGR, WRT_STM32F4_RCC_CFGR_HPRE_MASK | WRT_STM32F4_RCC_CFGR_PPRE1_MASK | WRT_STM32F4_RCC_CFGR_PPRE2_MASK);
  if (plan->over_drive) wrt_stm32f4_clear(WRT_STM32F4_PWR_CR, WRT_STM32F4_PWR_CR_ODEN | WRT_STM32F4_PWR_CR_ODSWEN);
  wrt_stm32f4_clear(WRT_STM32F4_RCC_CR, WRT_STM32F4_RCC_CR_PLLON);
  wrt_stm32f4_hse_off(polls);
}

/* The sequence starts from the reset state. A boot loader (or a debugger's core-only reset) may
 * hand over with the PLL as system clock, where PLLCFGR, HSEBYP and VOS must not change: back to
 * HSI first, PLL and HSE off. A no-op after a reset. */
static int wrt_stm32f4_back_to_hsi(uint32_t *polls) {
  if ((wrt_stm32f4_read(WRT_STM32F4_RCC_CFGR) & WRT_STM32F4_RCC_CFGR_SWS_MASK) == 0u) return 1;
  wrt_stm32f4_set(WRT_STM32F4_RCC_CR, WRT_STM32F4_RCC_CR_HSION);
  if (!wrt_stm32f4_wait(WRT_STM32F4_RCC_CR, WRT_STM32F4_RCC_CR_HSIRDY, WRT_STM32F4_RCC_CR_HSIRDY, polls)) return 0;
  wrt_stm32f4_clear(WRT_STM32F4_RCC_CFGR, WRT_STM32F4_RCC_CFGR_SW_MASK);
  if (!wrt_stm32f4_wait(WRT_STM32F4_RCC_CFGR, WRT_STM32F4_RCC_CFGR_SWS_MASK, 0u, polls)) return 0;
  wrt_stm32f4_clear(WRT_STM32F4_RCC_CR, WRT_STM32F4_RCC_CR_PLLON);
  wrt_stm32f4_hse_off(polls);
  return 1;
}

static uint32_t wrt_stm32f4_sequence(const wrt_stm32f4_clock_plan *plan, uint32_t *polls) {
  uint32_t hclk = wrt_stm32f4_plan_sysclk_hz(plan) / plan->ahb_divider;
  uint32_t hpre = plan->ahb_divider == 1u ? 0u : wrt_stm32f4_hpre_field(plan->ahb_divider);
  uint32_t ppre1 = plan->apb1_divider == 1u ? 0u : wrt_stm32f4_ppre_field(plan->apb1_divider);
  uint32_t ppre2 = plan->apb2_divider == 1u ? 0u : wrt_stm32f4_ppre_field(plan->apb2_divider);

  if (!wrt_stm32f4_back_to_hsi(polls)) return WRT_STM32F4_CLOCK_HSI_TIMEOUT;

  /* Scale 1 while the PLL is off: VOS can change only then (RM0090 5.4.1). */
  wrt_stm32f4_set(WRT_STM32F4_RCC_APB1ENR, WRT_STM32F4_RCC_APB1ENR_PWREN);
  (void)wrt_stm32f4_read(WRT_STM32F4_RCC_APB1ENR);
  wrt_stm32f4_set(WRT_STM32F4_PWR_CR, plan->vos_scale1);

  if (plan->hse_bypass) wrt_stm32f4_set(WRT_STM32F4_RCC_CR, WRT_STM32F4_RCC_CR_HSEBYP);
  wrt_stm32f4_set(WRT_STM32F4_RCC_CR, WRT_STM32F4_RCC_CR_HSEON);
  if (!wrt_stm32f4_wait(WRT_STM32F4_RCC_CR, WRT_STM32F4_RCC_CR_HSERDY, WRT_STM32F4_RCC_CR_HSERDY, polls)) return WRT_STM32F4_CLOCK_HSE_TIMEOUT;

  /* PLLCFGR only while the PLL is off; the reserved bits keep their reset values. */
  uint32_t pllcfgr = wrt_stm32f4_read(WRT_STM32F4_RCC_PLLCFGR);
  pllcfgr &= ~(WRT_STM32F4_RCC_PLLCFGR_M_MASK | WRT_STM32F4_RCC_PLLCFGR_N_MASK | WRT_STM32F4_RCC_PLLCFGR_P_MASK |
               WRT_STM32F4_RCC_PLLCFGR_Q_MASK);
  pllcfgr |= (plan->pll_m << WRT_STM32F4_RCC_PLLCFGR_M_SHIFT) | (plan->pll_n << WRT_STM32F4_RCC_PLLCFGR_N_SHIFT) |
             ((plan->pll_p / 2u - 1u) << WRT_STM32F4_RCC_PLLCFGR_P_SHIFT) | (plan->pll_q << WRT_STM32F4_RCC_PLLCFGR_Q_SHIFT) |
             WRT_STM32F4_RCC_PLLCFGR_SRC_HSE;
  wrt_stm32f4_write(WRT_STM32F4_RCC_PLLCFGR, pllcfgr);
  wrt_stm32f4_set(WRT_STM32F4_RCC_CR, WRT_STM32F4_RCC_CR_PLLON);

  if (plan->over_drive) {
    /* RM0090 5.1.4 steps 3-5, while HSI still clocks the system; the switch stalls the clock. */
    wrt_stm32f4_set(WRT_STM32F4_PWR_CR, WRT_STM32F4_PWR_CR_ODEN);
    if (!wrt_stm32f4_wait(WRT_STM32F4_PWR_CSR, WRT_STM32F4_PWR_CSR_ODRDY, WRT_STM32F4_PWR_CSR_ODRDY, polls)) return WRT_STM32F4_CLOCK_OVERDRIVE_TIMEOUT;
    wrt_stm32f4_set(WRT_STM32F4_PWR_CR, WRT_STM32F4_PWR_CR_ODSWEN);
    if (!wrt_stm32f4_wait(WRT_STM32F4_PWR_CSR, WRT_STM32F4_PWR_CSR_ODSWRDY, WRT_STM32F4_PWR_CSR_ODSWRDY, polls)) {
      return WRT_STM32F4_CLOCK_OVERDRIVE_SWITCH_TIMEOUT;
    }
  }

  /* Wait states for the new HCLK before it runs, checked by reading back (RM0090 3.5.1). */
  uint32_t latency = (hclk - 1u) / WRT_STM32F4_FLASH_HZ_PER_WAIT_STATE;
  uint32_t acr = latency | WRT_STM32F4_FLASH_ACR_PRFTEN | WRT_STM32F4_FLASH_ACR_ICEN | WRT_STM32F4_FLASH_ACR_DCEN;
  wrt_stm32f4_write(WRT_STM32F4_FLASH_ACR, acr);
  if ((wrt_stm32f4_read(WRT_STM32F4_FLASH_ACR) & WRT_STM32F4_FLASH_ACR_LATENCY_MASK) != latency) return WRT_STM32F4_CLOCK_LATENCY_REFUSED;

  /* Prescalers before the switch, so no bus ever runs above its limit. */
  uint32_t cfgr = wrt_stm32f4_read(WRT_STM32F4_RCC_CFGR);
  cfgr &= ~(WRT_STM32F4_RCC_CFGR_HPRE_MASK | WRT_STM32F4_RCC_CFGR_PPRE1_MASK | WRT_STM32F4_RCC_CFGR_PPRE2_MASK);
  cfgr |= (hpre << WRT_STM32F4_RCC_CFGR_HPRE_SHIFT) | (ppre1 << WRT_STM32F4_RCC_CFGR_PPRE1_SHIFT) | (ppre2 << WRT_STM32F4_RCC_CFGR_PPRE2_SHIFT);
  wrt_stm32f4_write(WRT_STM32F4_RCC_CFGR, cfgr);

  if (!wrt_stm32f4_wait(WRT_STM32F4_RCC_CR, WRT_STM32F4_RCC_CR_PLLRDY, WRT_STM32F4_RCC_CR_PLLRDY, polls)) return WRT_STM32F4_CLOCK_PLL_TIMEOUT;
  wrt_stm32f4_write(WRT_STM32F4_RCC_CFGR, (cfgr & ~WRT_STM32F4_RCC_CFGR_SW_MASK) | WRT_STM32F4_RCC_CFGR_SOURCE_PLL);
  uint32_t sws_pll = WRT_STM32F4_RCC_CFGR_SOURCE_PLL << WRT_STM32F4_RCC_CFGR_SWS_SHIFT;
  if (!wrt_stm32f4_wait(WRT_STM32F4_RCC_CFGR, WRT_STM32F4_RCC_CFGR_SWS_MASK, sws_pll, polls)) return WRT_STM32F4_CLOCK_SWITCH_TIMEOUT;
  return WRT_STM32F4_CLOCK_OK;
}

wrt_stm32f4_clocks wrt_stm32f4_clock_start(const wrt_stm32f4_clock_plan *plan) {
  wrt_stm32f4_clocks clocks = {0};
  if (wrt_stm32f4_plan_sysclk_hz(plan) == 0u) {
    clocks.status = WRT_STM32F4_CLOCK_PLAN_INVALID;
    wrt_stm32f4_read_back(plan, &clocks);
    return clocks;
  }
  clocks.status = wrt_stm32f4_sequence(plan, &clocks.polls);
  if (clocks.status != WRT_STM32F4_CLOCK_OK) {
    /* On the flash latency: keeping the higher wait states is safe at any clock. */
    wrt_stm32f4_give_up(plan, &clocks.polls);
  }
  wrt_stm32f4_read_back(plan, &clocks);
  uint32_t cr = wrt_stm32f4_read(WRT_STM32F4_RCC_CR);
  uint32_t cfgr = wrt_stm32f4_read(WRT_STM32F4_RCC_CFGR);
  if (clocks.status != WRT_STM32F4_CLOCK_OK && (cr & WRT_STM32F4_RCC_CR_HSIRDY) == 0u && (cfgr & WRT_STM32F4_RCC_CFGR_SWS_MASK) == 0u) {
    /* HSI is the system clock yet not ready: impossible on silicon, so nothing answers. */
    clocks.status = WRT_STM32F4_CLOCK_NO_RCC;
    clocks.sysclk_hz = wrt_stm32f4_plan_sysclk_hz(plan);
    clocks.hclk_hz = clocks.sysclk_hz / plan->ahb_divider;
    clocks.pclk1_hz = clocks.hclk_hz / plan->apb1_divider;
    clocks.pclk2_hz = clocks.hclk_hz / plan->apb2_divider;
  }
  return clocks;
}

const char *wrt_stm32f4_clock_status_name(uint32_t status) {
  switch (status) {
    case WRT_STM32F4_CLOCK_OK: return "ok";
    case WRT_STM32F4_CLOCK_HSE_TIMEOUT: return "HSE not ready";
    case WRT_STM32F4_CLOCK_PLL_TIMEOUT: return "PLL not locked";
    case WRT_STM32F4_CLOCK_OVERDRIVE_TIMEOUT: return "over-drive not ready";
    case WRT_STM32F4_CLOCK_OVERDRIVE_SWITCH_TIMEOUT: return "over-drive switch not ready";
    case WRT_STM32F4_CLOCK_LATENCY_REFUSED: return "flash latency not taken";
    case WRT_STM32F4_CLOCK_SWITCH_TIMEOUT: return "PLL not taken as system clock";
    case WRT_STM32F4_CLOCK_NO_RCC: return "no clock controller (emulator)";
    case WRT_STM32F4_CLOCK_PLAN_INVALID: return "PLL settings out of range";
    case WRT_STM32F4_CLOCK_HSI_TIMEOUT: return "HSI not taken back as system clock";
    default: return "unknown";
  }
}

void wrt_stm32f4_clock_report(const wrt_stm32f4_clocks *clocks, void (*puts)(const char *text), void (*put_u32)(uint32_t value)) {
  if (clocks->status == WRT_STM32F4_CLOCK_OK || clocks->status == WRT_STM32F4_CLOCK_NO_RCC) return;
  puts("\r\n*** wrt clock: ");
  puts(wrt_stm32f4_clock_status_name(clocks->status));
  puts(" (status ");
  put_u32(clocks->status);
  puts("); running at ");
  put_u32(clocks->hclk_hz);
  puts(" Hz\r\n");
}
