#include "wrt_bsp_port.h"

#include "wrt_board.h"
#include "wrt_boot_count.h"
#include "wrt_cortex_m.h"
#include "wrt_exit.h"
#include "wrt_layout.h"
#include "wrt_port_internal.h"
#include "wrt_ring.h"
#include "wrt_sysreset.h"
#include "wrt_systick.h"

/* Enough for a protocol frame arriving while the firmware is busy; a power of two. */
#ifndef WRT_PORT_RX_BYTES
#define WRT_PORT_RX_BYTES 1024u
#endif

static uint8_t wrt_port_rx_storage[WRT_PORT_RX_BYTES];
static wrt_ring wrt_port_rx;
static wrt_port_board wrt_port_board_data;
/* Set by the receive interrupt when the ring filled: the interrupt is masked in the UART and the
 * remaining bytes wait there until the reader makes room. */
static volatile int wrt_port_rx_held;

int wrt_port_start(uint32_t clock_hz) {
  if (!wrt_ring_init(&wrt_port_rx, wrt_port_rx_storage, WRT_PORT_RX_BYTES)) return 0;
  uint32_t ram_base = wrt_layout_address(__wrt_ram_start);
  uint32_t flash_base = wrt_layout_address(__wrt_flash_start);
  uint32_t free_start = wrt_layout_address(__wrt_free_start);
  wrt_port_board_data = (wrt_port_board){
      .id = wrt_board_id,
      .core = wrt_board_core,
#if defined(__ARM_PCS_VFP)
      .float_abi = "hard",
#else
      .float_abi = "soft",
#endif
      .clock_hz = clock_hz,
      .flash_base = flash_base,
      .flash_bytes = wrt_layout_address(__wrt_flash_end) - flash_base,
      .ram_base = ram_base,
      .ram_bytes = wrt_layout_address(__wrt_ram_end) - ram_base,
      .free_ram_start = free_start,
      .free_ram_bytes = wrt_layout_address(__wrt_free_end) - free_start,
      .stack_bytes = wrt_layout_address(__wrt_stack_top) - wrt_layout_address(__wrt_stack_bottom),
  };
  wrt_board_uart_init(clock_hz);
  wrt_nvic_enable_irq(WRT_BOARD_UART_RX_IRQ);
  if (!wrt_systick_init(clock_hz)) return 0;
  wrt_irq_enable();
  return 1;
}

void wrt_port_uart_rx_isr(void) {
  if (wrt_board_uart_drain(&wrt_port_rx)) {
    /* Level-triggered: left unmasked, the interrupt would fire again at once, forever. */
    wrt_board_uart_rx_interrupt(0);
    wrt_port_rx_held = 1;
  }
}

int wrt_port_read_byte(void) {
  int byte = wrt_ring_get(&wrt_port_rx);
  if (wrt_port_rx_held) {
    /* Unmask before draining: a UART may not flag a byte that arrived while its interrupt was
     * masked (QEMU's CMSDK UART does not), so the drain must come after, or that byte would sit
     * in the UART with no interrupt to fetch it and the line would stall. */
    uint32_t primask = wrt_irq_save();
    wrt_board_uart_rx_interrupt(1);
    if (wrt_board_uart_drain(&wrt_port_rx)) {
      wrt_board_uart_rx_interrupt(0);
    } else {
      wrt_port_rx_held = 0;
    }
    wrt_irq_restore(primask);
  }
  return byte;
}

void wrt_port_write(const uint8_t *bytes, size_t count) {
  for (size_t index = 0u; index < count; index++) wrt_board_uart_putc(bytes[index]);
}

uint32_t wrt_port_millis(void) { return wrt_systick_millis(); }

uint64_t wrt_port_nanos(void) { return wrt_systick_nanos(); }

void wrt_port_idle(void) {
  /* Masked so a byte arriving between the check and WFI still wakes it: WFI ends on a pending
   * interrupt even while PRIMASK holds it off. */
  uint32_t primask = wrt_irq_save();
  /* A UART may hold bytes it never flagged: QEMU's PL011 raises RX only when its FIFO goes from
   * empty to one byte, so bytes that arrived while an init cleared the interrupt would wait
   * forever. Fetching them here (SysTick ends every WFI within a millisecond) means the line
   * cannot stall, whatever the host sent while the board was booting. */
  if (!wrt_port_rx_held && wrt_board_uart_drain(&wrt_port_rx)) {
    wrt_board_uart_rx_interrupt(0);
    wrt_port_rx_held = 1;
  }
  if (wrt_ring_count(&wrt_port_rx) == 0u) wrt_wfi();
  wrt_irq_restore(primask);
}

uint32_t wrt_port_rx_dropped(void) { return wrt_port_rx.dropped; }

_Noreturn void wrt_port_exit(uint32_t code) { wrt_exit(code <= WRT_EXIT_FIRMWARE_MAX ? code : WRT_EXIT_BAD_CODE); }

_Noreturn void wrt_port_reset(void) {
  wrt_board_uart_flush();
  wrt_sysreset();
}

uint32_t wrt_port_boot_count(void) { return wrt_boot_count(); }

const wrt_port_board *wrt_port_board_info(void) { return &wrt_port_board_data; }
