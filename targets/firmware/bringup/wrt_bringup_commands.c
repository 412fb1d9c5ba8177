#include "wrt_bringup.h"

#include "wrt_bringup_faults.h"
#include "wrt_bringup_out.h"
#include "wrt_cortex_m.h"
#include "wrt_fmt.h"
#include "wrt_bsp_port.h"

/* If `line` starts with the word `name`, returns what follows it (spaces skipped), else 0. */
static const char *wrt_bringup_word(const char *line, const char *name) {
  while (*name != '\0') {
    if (*line != *name) return 0;
    line++;
    name++;
  }
  if (*line != '\0' && *line != ' ') return 0;
  while (*line == ' ') line++;
  return line;
}

static int wrt_bringup_number(const char *text, uint32_t *value) {
  if (!wrt_fmt_parse_u32(&text, value)) return 0;
  return *text == '\0';
}

void wrt_bringup_banner(void) {
  const wrt_port_board *board = wrt_port_board_info();
  wrt_bringup_puts("wrt-bringup board=");
  wrt_bringup_puts(board->id);
  wrt_bringup_puts(" core=");
  wrt_bringup_puts(board->core);
  wrt_bringup_puts(" float=");
  wrt_bringup_puts(board->float_abi);
  wrt_bringup_puts(" clock=");
  wrt_bringup_u32(board->clock_hz);
  wrt_bringup_puts(" boot=");
  wrt_bringup_u32(wrt_port_boot_count());
  wrt_bringup_puts("\r\n");
}

static void wrt_bringup_region(const char *name, uint32_t base, uint32_t bytes) {
  wrt_bringup_puts(name);
  wrt_bringup_hex32(base);
  wrt_bringup_puts("+");
  wrt_bringup_u32(bytes);
}

static void wrt_bringup_info(void) {
  const wrt_port_board *board = wrt_port_board_info();
  wrt_bringup_banner();
  wrt_bringup_region("mem flash=", board->flash_base, board->flash_bytes);
  wrt_bringup_region(" ram=", board->ram_base, board->ram_bytes);
  wrt_bringup_region(" free=", board->free_ram_start, board->free_ram_bytes);
  wrt_bringup_puts(" stack=");
  wrt_bringup_u32(board->stack_bytes);
  wrt_bringup_puts("\r\n");
}

static void wrt_bringup_wait(uint32_t milliseconds) {
  uint32_t start = wrt_port_millis();
  while ((uint32_t)(wrt_port_millis() - start) < milliseconds) wrt_port_idle();
  wrt_bringup_puts("waited ");
  wrt_bringup_u32(milliseconds);
  wrt_bringup_puts(" ms\r\n");
}

/* Reads nothing for a while, so what the host sends meanwhile fills the receive ring and then
 * waits in the UART: afterwards every byte must still arrive, in order. */
static void wrt_bringup_hold(uint32_t milliseconds) {
  wrt_bringup_puts("holding\r\n");
  uint32_t start = wrt_port_millis();
  while ((uint32_t)(wrt_port_millis() - start) < milliseconds) {
  }
  wrt_bringup_puts("held ");
  wrt_bringup_u32(milliseconds);
  wrt_bringup_puts(" ms\r\n");
}

/* Hard-float builds do this in FPU registers (and fault if CPACR was not set); soft-float builds
 * call libgcc. Either way the printed products must be exact. */
static void wrt_bringup_float(void) {
  volatile float left = 3.25f;
  volatile float right = 2.5f;
  float product = left * right * 1000.0f;
  float quotient = left / right * 1000.0f;
  wrt_bringup_puts("float ");
  wrt_bringup_u32((uint32_t)(product + 0.5f));
  wrt_bringup_puts(" ");
  wrt_bringup_u32((uint32_t)(quotient + 0.5f));
  wrt_bringup_puts((WRT_SCB_CPACR & WRT_CPACR_FPU_FULL) == WRT_CPACR_FPU_FULL ? " fpu=on\r\n" : " fpu=off\r\n");
}

void wrt_bringup_run(const char *line) {
  const char *argument;
  uint32_t value;
  if ((argument = wrt_bringup_word(line, "q")) != 0 && wrt_bringup_number(argument, &value)) {
    wrt_bringup_puts("bye ");
    wrt_bringup_u32(value);
    wrt_bringup_puts("\r\n");
    wrt_port_exit(value);
  } else if ((argument = wrt_bringup_word(line, "fault")) != 0) {
    wrt_bringup_puts("faulting ");
    wrt_bringup_puts(argument);
    wrt_bringup_puts("\r\n");
    wrt_bringup_fault(argument);
    wrt_bringup_puts("error unknown fault\r\n");
  } else if (wrt_bringup_word(line, "tick") != 0) {
    wrt_bringup_puts("tick ");
    wrt_bringup_u32(wrt_port_millis());
    wrt_bringup_puts("\r\n");
  } else if ((argument = wrt_bringup_word(line, "wait")) != 0 && wrt_bringup_number(argument, &value)) {
    wrt_bringup_wait(value);
  } else if ((argument = wrt_bringup_word(line, "hold")) != 0 && wrt_bringup_number(argument, &value)) {
    wrt_bringup_hold(value);
  } else if (wrt_bringup_word(line, "float") != 0) {
    wrt_bringup_float();
  } else if (wrt_bringup_word(line, "info") != 0) {
    wrt_bringup_info();
  } else if (wrt_bringup_word(line, "stats") != 0) {
    wrt_bringup_puts("stats rx_dropped=");
    wrt_bringup_u32(wrt_port_rx_dropped());
    wrt_bringup_puts("\r\n");
  } else if (wrt_bringup_word(line, "reset") != 0) {
    wrt_bringup_puts("resetting\r\n");
    wrt_port_reset();
  } else {
    wrt_bringup_puts("error unknown command\r\n");
  }
}
