/*
 * Pins of lm3s6965evb for the board natives (LM3S6965 Data Sheet, 8 GPIO; EK-LM3S6965 user's
 * manual: status LED on PF0, select button on PF1, navigation buttons up/down/left/right on
 * PE0..PE3; QEMU 7.2 hw/arm/stellaris.c wires the same buttons to its gamepad). Pin 0 is the LED
 * (read back as driven); pin 1 the select button, pins 2..5 the navigation buttons, read only and
 * active low (pressed reads 0). A port's clock is gated on before its first use. UART0's pins on
 * port A are not offered.
 */
#include "wrt_board_gpio.h"

#include "wrt_cortex_m.h"
#include "wrt_lm3s_sysctl.h"

#define WRT_LM3S_GPIOE 0x40024000u
#define WRT_LM3S_GPIOF 0x40025000u
#define WRT_LM3S_GPIO_DIR 0x400u
#define WRT_LM3S_GPIO_DEN 0x51Cu
#define WRT_LM3S_RCGC2_GPIOE (1u << 4)
#define WRT_LM3S_RCGC2_GPIOF (1u << 5)
#define WRT_LM3S_PIN_COUNT 6u

typedef struct wrt_lm3s_pin {
  uint32_t port;
  uint32_t gate;
  uint32_t bit;
  bool output;
} wrt_lm3s_pin;

static const wrt_lm3s_pin wrt_lm3s_pins[WRT_LM3S_PIN_COUNT] = {
    {WRT_LM3S_GPIOF, WRT_LM3S_RCGC2_GPIOF, 1u << 0, true},  /* status LED */
    {WRT_LM3S_GPIOF, WRT_LM3S_RCGC2_GPIOF, 1u << 1, false}, /* select */
    {WRT_LM3S_GPIOE, WRT_LM3S_RCGC2_GPIOE, 1u << 0, false}, /* up */
    {WRT_LM3S_GPIOE, WRT_LM3S_RCGC2_GPIOE, 1u << 1, false}, /* down */
    {WRT_LM3S_GPIOE, WRT_LM3S_RCGC2_GPIOE, 1u << 2, false}, /* left */
    {WRT_LM3S_GPIOE, WRT_LM3S_RCGC2_GPIOE, 1u << 3, false}, /* right */
};

/* The data register at address bits [9:2] = bit mask touches only the masked pins. */
static volatile uint32_t *wrt_lm3s_data(const wrt_lm3s_pin *i_pin) {
  return &WRT_REG32(i_pin->port + (i_pin->bit << 2));
}

static void wrt_lm3s_pin_enable(const wrt_lm3s_pin *i_pin) {
  if ((WRT_LM3S_RCGC2 & i_pin->gate) == 0u) {
    WRT_LM3S_RCGC2 = WRT_LM3S_RCGC2 | i_pin->gate;
    /* The data sheet asks for a few cycles before the port's registers are touched. */
    (void)WRT_LM3S_RCGC2;
  }
  uint32_t dir = WRT_REG32(i_pin->port + WRT_LM3S_GPIO_DIR);
  WRT_REG32(i_pin->port + WRT_LM3S_GPIO_DIR) = i_pin->output ? (dir | i_pin->bit) : (dir & ~i_pin->bit);
  WRT_REG32(i_pin->port + WRT_LM3S_GPIO_DEN) = WRT_REG32(i_pin->port + WRT_LM3S_GPIO_DEN) | i_pin->bit;
}

bool wrt_board_gpio_write(uint32_t pin, uint32_t level) {
  if (pin >= WRT_LM3S_PIN_COUNT || !wrt_lm3s_pins[pin].output) return false;
  const wrt_lm3s_pin *p = &wrt_lm3s_pins[pin];
  wrt_lm3s_pin_enable(p);
  *wrt_lm3s_data(p) = level != 0u ? p->bit : 0u;
  return true;
}

bool wrt_board_gpio_read(uint32_t pin, uint32_t *o_level) {
  if (pin >= WRT_LM3S_PIN_COUNT) return false;
  const wrt_lm3s_pin *p = &wrt_lm3s_pins[pin];
  wrt_lm3s_pin_enable(p);
  *o_level = (*wrt_lm3s_data(p) & p->bit) != 0u ? 1u : 0u;
  return true;
}
