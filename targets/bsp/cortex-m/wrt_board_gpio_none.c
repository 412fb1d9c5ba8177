/*
 * Pins of a board whose folder numbers none yet (no wrt_board_gpio.c there): the GPIO natives are
 * linked as on every board, so a module's imports link the same everywhere, and every pin answers
 * -1 (docs/host-functions.md lists which boards number their pins).
 */
#include "wrt_board_gpio.h"

bool wrt_board_gpio_write(uint32_t pin, uint32_t level) {
    (void)pin;
    (void)level;
    return false;
}

bool wrt_board_gpio_read(uint32_t pin, uint32_t *o_level) {
    (void)pin;
    (void)o_level;
    return false;
}
