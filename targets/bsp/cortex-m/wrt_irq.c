/* External interrupts: one entry point, dispatched on IPSR, so boards list owners, not vectors. */
#include "wrt_board.h"
#include "wrt_cortex_m.h"
#include "wrt_fault.h"
#include "wrt_port_internal.h"
#include "wrt_vectors.h"

void wrt_irq_dispatch(void) {
  uint32_t exception = wrt_ipsr();
  if (exception == WRT_EXC_FIRST_IRQ + WRT_BOARD_UART_RX_IRQ) {
    wrt_port_uart_rx_isr();
    return;
  }
  wrt_fault_unexpected(exception);
}

void wrt_unused_exception(void) { wrt_fault_unexpected(wrt_ipsr()); }
