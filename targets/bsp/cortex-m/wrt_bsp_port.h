/*
 * The port: everything the device firmware (protocol server, interpreter glue, bring-up program)
 * needs from a board. Every board implements all of it; nothing else in targets/bsp is meant to
 * be called from firmware code.
 *
 * Threading model: one thread of execution plus interrupts. Received bytes arrive by interrupt
 * into a ring buffer; wrt_port_read_byte never blocks. Writes block until every byte is in the
 * UART. Call nothing here from an interrupt handler except wrt_port_millis.
 */
#ifndef WRT_BSP_PORT_H
#define WRT_BSP_PORT_H

#include <stddef.h>
#include <stdint.h>

#include "wrt_exit_codes.h"

/* wrt_port_read_byte's answer when no byte is waiting. */
#define WRT_PORT_NO_BYTE (-1)

/* What the firmware may know about the board it runs on; from the board's build and link. */
typedef struct wrt_port_board {
  const char *id;    /* the target id, e.g. "qemu-mps2-an386" */
  const char *core;  /* e.g. "cortex-m4" */
  const char *float_abi; /* "hard" or "soft" */
  uint32_t clock_hz; /* the CPU clock the board code configured (read back where the chip allows) */
  uint32_t flash_base, flash_bytes;
  uint32_t ram_base, ram_bytes;
  /* RAM no one uses after .data, .bss and the stack: where the firmware puts its arena. */
  uint32_t free_ram_start, free_ram_bytes;
  uint32_t stack_bytes;
} wrt_port_board;

/* The next received byte (0..255), or WRT_PORT_NO_BYTE. Never blocks. */
int wrt_port_read_byte(void);

/* Sends `count` bytes; returns when the last one is in the UART's transmit register. */
void wrt_port_write(const uint8_t *bytes, size_t count);

/* Milliseconds since boot from the SysTick interrupt; wraps after 2^32 ms (49.7 days). Compare
 * with subtraction: (uint32_t)(now - start) >= timeout. */
uint32_t wrt_port_millis(void);
/* Nanoseconds since boot, as fine as SysTick counts (one CPU clock cycle). */
uint64_t wrt_port_nanos(void);

/* Sleeps until the next interrupt: a received byte or the next millisecond tick. */
void wrt_port_idle(void);

/* Receiver overruns the UART reported: each lost at least one byte. A full receive ring loses
 * nothing by itself: the receive interrupt stops and bytes wait in the UART, where a link with
 * flow control (QEMU's) holds the line and a real one overruns once its FIFO fills. */
uint32_t wrt_port_rx_dropped(void);

/* Ends the program with an exit code the host sees (QEMU's exit status via semihosting).
 * 0..239 are the firmware's own; 240..255 are the board's (wrt_exit_codes.h). */
_Noreturn void wrt_port_exit(uint32_t code);

/* Resets the whole chip (SCB AIRCR SYSRESETREQ): the watchdog-style recovery path. */
_Noreturn void wrt_port_reset(void);

/* How many times the board has started since power-on (1 on the first boot); counted in RAM the
 * startup code leaves alone, so a reset through wrt_port_reset increments it. */
uint32_t wrt_port_boot_count(void);

const wrt_port_board *wrt_port_board_info(void);

#endif /* WRT_BSP_PORT_H */
