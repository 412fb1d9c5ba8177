/* The vector table (Armv7-M B1.5.3): initial stack pointer, then one handler per exception. */
#ifndef WRT_VECTORS_H
#define WRT_VECTORS_H

#include "wrt_board_config.h"

typedef union wrt_vector {
  void (*handler)(void);
  const void *stack_top;
} wrt_vector;

#define WRT_VECTOR_COUNT (16u + WRT_BOARD_IRQ_COUNT)

extern const wrt_vector wrt_vector_table[WRT_VECTOR_COUNT];

void wrt_reset_handler(void);
/* Every external interrupt enters here and is dispatched by number (wrt_irq.c). */
void wrt_irq_dispatch(void);
/* Core exceptions the board support does not use (SVCall, DebugMonitor, PendSV). */
void wrt_unused_exception(void);

#endif /* WRT_VECTORS_H */
