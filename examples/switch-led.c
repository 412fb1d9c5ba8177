/*
 * Mirrors a push button of qemu-lm3s6965evb on its status LED through the board natives
 * (docs/host-functions.md): polls `button` (pin 1 select, 2-5 navigation; active low) every
 * `period_us`, drives the LED (pin 0) on while the button is pressed and off while it is not,
 * and returns after `presses` presses or `polls` polls, whichever comes first. A press counts
 * when it began during the run and has been released, so a button already down at the start
 * (or one QEMU has not released yet, see the docs) is not counted. Returns the presses it saw,
 * or -1 when a native refused a pin. Built with clang --target=wasm32 -nostdlib like blink.c.
 *   wrt-target deploy examples/switch-led.wasm --target qemu-lm3s6965evb \
 *     --invoke follow 1 2 120000 500 --qmp /tmp/board.qmp
 */
#define IMPORT(module, name) __attribute__((import_module(module), import_name(name)))

IMPORT("wrt:board/gpio", "write") int gpio_write(int pin, int level);
IMPORT("wrt:board/gpio", "read") int gpio_read(int pin);
IMPORT("wrt:board/clock", "delay_us") void delay_us(unsigned us);

#define LED_PIN 0
/* The EK-LM3S6965's buttons pull their pin to ground when pressed. */
#define PRESSED_LEVEL 0

__attribute__((export_name("follow"))) int follow(int button, int presses, int polls, unsigned period_us)
{
    int seen = 0;
    int released_once = 0;
    int press_started = 0;
    for (int i = 0; i < polls && seen < presses; i++) {
        int level = gpio_read(button);
        if (level < 0) return -1;
        int pressed = level == PRESSED_LEVEL;
        if (gpio_write(LED_PIN, pressed) != 0) return -1;
        if (!pressed) {
            if (press_started) seen++;
            press_started = 0;
            released_once = 1;
        } else if (released_once) {
            press_started = 1;
        }
        delay_us(period_us);
    }
    return seen;
}
