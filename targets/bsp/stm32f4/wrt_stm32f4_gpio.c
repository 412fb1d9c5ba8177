#include "wrt_stm32f4_gpio.h"

#include "wrt_stm32f4_mmio.h"
#include "wrt_stm32f4_regs.h"

/* Replaces the `width`-bit field at `shift` of a register, keeping the other pins' fields. */
static void wrt_stm32f4_gpio_field(uint32_t address, uint32_t shift, uint32_t width, uint32_t value) {
  uint32_t mask = ((1u << width) - 1u) << shift;
  wrt_stm32f4_write(address, (wrt_stm32f4_read(address) & ~mask) | (value << shift));
}

void wrt_stm32f4_gpio_af(uint32_t port, uint32_t pin, uint32_t function, uint32_t pull) {
  uint32_t base = WRT_STM32F4_GPIO_BASE(port);
  wrt_stm32f4_gpio_field(base + (pin < 8u ? WRT_STM32F4_GPIO_AFRL : WRT_STM32F4_GPIO_AFRH), 4u * (pin % 8u), 4u, function);
  wrt_stm32f4_gpio_field(base + WRT_STM32F4_GPIO_OSPEEDR, 2u * pin, 2u, WRT_STM32F4_GPIO_SPEED_HIGH);
  wrt_stm32f4_gpio_field(base + WRT_STM32F4_GPIO_PUPDR, 2u * pin, 2u, pull);
  /* The mode last, so the pin never drives the line with another function selected. */
  wrt_stm32f4_gpio_field(base + WRT_STM32F4_GPIO_MODER, 2u * pin, 2u, WRT_STM32F4_GPIO_MODE_AF);
}
