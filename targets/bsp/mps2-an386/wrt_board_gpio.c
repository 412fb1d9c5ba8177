/*
 * Pins of mps2-an386 for the board natives: the FPGA I/O block (AN386 "FPGA system control and
 * I/O", QEMU 7.2 hw/misc/mps2-fpgaio.c at 0x40028000). Pins 0 and 1 are the user LEDs (LED0
 * register bits 0 and 1, read back as driven); pins 8 and 9 the push buttons PB0 and PB1 (BUTTON
 * register bits 0 and 1, read only; QEMU models no press, so they read 0). The CMSDK GPIO blocks
 * at 0x40010000 are unimplemented in QEMU and are not offered.
 */
#include "wrt_board_gpio.h"

#include "wrt_cortex_m.h"

#define WRT_FPGAIO_LED0 WRT_REG32(0x40028000u)
#define WRT_FPGAIO_BUTTON WRT_REG32(0x40028008u)
#define WRT_FPGAIO_LED_PINS 2u
#define WRT_FPGAIO_BUTTON_PIN0 8u
#define WRT_FPGAIO_BUTTON_PINS 2u

bool wrt_board_gpio_write(uint32_t pin, uint32_t level) {
  if (pin >= WRT_FPGAIO_LED_PINS) return false;
  uint32_t bit = 1u << pin;
  uint32_t leds = WRT_FPGAIO_LED0;
  WRT_FPGAIO_LED0 = level != 0u ? (leds | bit) : (leds & ~bit);
  return true;
}

bool wrt_board_gpio_read(uint32_t pin, uint32_t *o_level) {
  if (pin < WRT_FPGAIO_LED_PINS) {
    *o_level = (WRT_FPGAIO_LED0 >> pin) & 1u;
    return true;
  }
  if (pin >= WRT_FPGAIO_BUTTON_PIN0 && pin - WRT_FPGAIO_BUTTON_PIN0 < WRT_FPGAIO_BUTTON_PINS) {
    *o_level = (WRT_FPGAIO_BUTTON >> (pin - WRT_FPGAIO_BUTTON_PIN0)) & 1u;
    return true;
  }
  return false;
}
