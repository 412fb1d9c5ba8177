/*
 * The board functions (wrt_board.h) of every STM32F4 board. What differs between boards is data in
 * the board's wrt_board_config.h: the clock plan, which USART with which pins and interrupt, and
 * the core; the UART base and speed and the nominal clock come from the target definition.
 */
#include "wrt_board.h"

#include "wrt_console.h"
#include "wrt_cortex_m.h"
#include "wrt_stm32f4_clock.h"
#include "wrt_stm32f4_gpio.h"
#include "wrt_stm32f4_mmio.h"
#include "wrt_stm32f4_regs.h"
#include "wrt_stm32f4_usart.h"

const char wrt_board_id[] = WRT_BOARD_TARGET_ID;
const char wrt_board_core[] = WRT_BOARD_CORE;

static const wrt_stm32f4_clock_plan wrt_stm32f4_board_plan = {
    .hse_hz = WRT_STM32F4_HSE_HZ,
    .hse_bypass = WRT_STM32F4_HSE_BYPASS,
    .pll_m = WRT_STM32F4_PLL_M,
    .pll_n = WRT_STM32F4_PLL_N,
    .pll_p = WRT_STM32F4_PLL_P,
    .pll_q = WRT_STM32F4_PLL_Q,
    .ahb_divider = WRT_STM32F4_AHB_DIVIDER,
    .apb1_divider = WRT_STM32F4_APB1_DIVIDER,
    .apb2_divider = WRT_STM32F4_APB2_DIVIDER,
    .vos_scale1 = WRT_STM32F4_VOS_SCALE1,
    .over_drive = WRT_STM32F4_OVER_DRIVE,
};

/* The plan must give the clock the target definition states (cpu.clockHz). */
_Static_assert(WRT_STM32F4_HSE_HZ / WRT_STM32F4_PLL_M * WRT_STM32F4_PLL_N / WRT_STM32F4_PLL_P / WRT_STM32F4_AHB_DIVIDER == WRT_BOARD_CLOCK_HZ,
               "the board's PLL plan does not give cpu.clockHz of its target definition");
/* RM0090 6.3.3: APB1 at most 45 MHz (42 MHz without over-drive), APB2 at most 90 (84) MHz. */
_Static_assert(WRT_BOARD_CLOCK_HZ / WRT_STM32F4_APB1_DIVIDER <= (WRT_STM32F4_OVER_DRIVE ? 45000000u : 42000000u), "APB1 above its limit");
_Static_assert(WRT_BOARD_CLOCK_HZ / WRT_STM32F4_APB2_DIVIDER <= (WRT_STM32F4_OVER_DRIVE ? 90000000u : 84000000u), "APB2 above its limit");

/* Read back by the USART set-up and the boot report; a debugger finds it by name. */
wrt_stm32f4_clocks wrt_stm32f4_board_clocks;

uint32_t wrt_board_clock_init(void) {
  wrt_stm32f4_board_clocks = wrt_stm32f4_clock_start(&wrt_stm32f4_board_plan);
  return wrt_stm32f4_board_clocks.hclk_hz;
}

void wrt_board_uart_init(uint32_t clock_hz) {
  (void)clock_hz;
  uint32_t apb_enable = WRT_BOARD_UART_BASE >= WRT_STM32F4_APB2_BASE ? WRT_STM32F4_RCC_APB2ENR : WRT_STM32F4_RCC_APB1ENR;
  wrt_stm32f4_set(WRT_STM32F4_RCC_AHB1ENR, (1u << WRT_STM32F4_UART_TX_PORT) | (1u << WRT_STM32F4_UART_RX_PORT));
  wrt_stm32f4_set(apb_enable, WRT_STM32F4_UART_ENABLE_BIT);
  /* A read of each enable register after the write gives the clocks the cycles they need before
   * the first access to the peripheral (the delay after an RCC clock enable that the STM32F4 errata
   * sheets ask for, met the way ST's HAL meets it). */
  (void)wrt_stm32f4_read(WRT_STM32F4_RCC_AHB1ENR);
  (void)wrt_stm32f4_read(apb_enable);
  wrt_stm32f4_gpio_af(WRT_STM32F4_UART_TX_PORT, WRT_STM32F4_UART_TX_PIN, WRT_STM32F4_UART_AF, 0u);
  /* A pull-up keeps an unconnected RX idle instead of reading noise as bytes. */
  wrt_stm32f4_gpio_af(WRT_STM32F4_UART_RX_PORT, WRT_STM32F4_UART_RX_PIN, WRT_STM32F4_UART_AF, WRT_STM32F4_GPIO_PULL_UP);
  uint32_t pclk = WRT_BOARD_UART_BASE >= WRT_STM32F4_APB2_BASE ? wrt_stm32f4_board_clocks.pclk2_hz : wrt_stm32f4_board_clocks.pclk1_hz;
  wrt_stm32f4_usart_init(WRT_BOARD_UART_BASE, pclk, WRT_BOARD_UART_BAUD);
  /* A real board that did not reach its clock says so once, before the protocol starts. */
  wrt_stm32f4_clock_report(&wrt_stm32f4_board_clocks, wrt_console_puts, wrt_console_u32);
}

void wrt_board_uart_putc(uint8_t byte) {
  while ((wrt_stm32f4_read(WRT_BOARD_UART_BASE + WRT_STM32F4_USART_SR) & WRT_STM32F4_USART_SR_TXE) == 0u) {
  }
  wrt_stm32f4_write(WRT_BOARD_UART_BASE + WRT_STM32F4_USART_DR, byte);
}

/* TC: the last byte has left the shift register, not only the data register. */
void wrt_board_uart_flush(void) {
  while ((wrt_stm32f4_read(WRT_BOARD_UART_BASE + WRT_STM32F4_USART_SR) & WRT_STM32F4_USART_SR_TC) == 0u) {
  }
}

int wrt_board_uart_drain(wrt_ring *ring) { return wrt_stm32f4_usart_drain(WRT_BOARD_UART_BASE, ring); }

void wrt_board_uart_rx_interrupt(int enabled) {
  uint32_t cr1 = wrt_stm32f4_read(WRT_BOARD_UART_BASE + WRT_STM32F4_USART_CR1);
  wrt_stm32f4_write(WRT_BOARD_UART_BASE + WRT_STM32F4_USART_CR1,
                    enabled ? (cr1 | WRT_STM32F4_USART_CR1_RXNEIE) : (cr1 & ~WRT_STM32F4_USART_CR1_RXNEIE));
  /* QEMU's USART keeps its interrupt line raised while a byte waits, whatever RXNEIE says; masked
   * in the NVIC too, a full ring cannot turn into an interrupt storm there. */
  if (enabled) {
    wrt_nvic_enable_irq(WRT_BOARD_UART_RX_IRQ);
  } else {
    WRT_NVIC_ICER(WRT_BOARD_UART_RX_IRQ / 32u) = 1u << (WRT_BOARD_UART_RX_IRQ % 32u);
  }
}
