/* STM32F4 GPIO (RM0090 8): a pin handed to a peripheral through its alternate function. */
#ifndef WRT_STM32F4_GPIO_H
#define WRT_STM32F4_GPIO_H

#include <stdint.h>

/* Port 0 = A ... 8 = I; the port's clock must be on. Push-pull, high speed, `pull` as PUPDR
 * encodes it (0 none, 1 up). */
void wrt_stm32f4_gpio_af(uint32_t port, uint32_t pin, uint32_t function, uint32_t pull);

#endif /* WRT_STM32F4_GPIO_H */
