/*
 * The pins a board's natives reach (wrt_board_natives.c): each board folder numbers its LEDs,
 * buttons and switches in its wrt_board_gpio.c, and docs/host-functions.md lists the numbers.
 */
#ifndef WRT_BOARD_GPIO_H
#define WRT_BOARD_GPIO_H

#include <stdbool.h>
#include <stdint.h>

/* Drives output `pin` low (level 0) or high (any other); false when the board has no such output. */
bool wrt_board_gpio_write(uint32_t pin, uint32_t level);

/* The level of `pin` (an output reads back what it drives); false when the board has no such pin. */
bool wrt_board_gpio_read(uint32_t pin, uint32_t *o_level);

#endif /* WRT_BOARD_GPIO_H */
