/*
 * The bring-up program: proves a board's support before the interpreter runs on it.
 *
 * Line protocol on the UART (what test/deploy drives):
 *   boot      prints "wrt-bringup board=<id> core=<core> float=<abi> clock=<hz> boot=<n>" and "ready"
 *   0x05      (ENQ) answered with 0x06 (ACK), not echoed: the host's link check
 *   any byte  echoed; CR or LF ends a line, echoed as CR LF, and the line runs as a command:
 *     q <n>          prints "bye <n>", exits with code n through the port
 *     fault <kind>   udf | div0 | bus | hard | stack: a deliberate fault (board exit code 240 +
 *                    exception); bus only where the board names a faulting address
 *     tick           prints "tick <ms since boot>"
 *     wait <ms>      waits on the tick, prints "waited <ms> ms"
 *     hold <ms>      prints "holding", reads nothing for <ms>, prints "held <ms> ms"
 *     float          prints "float <3.25*2.5*1000> <3.25/2.5*1000> fpu=<on|off>"
 *     info           prints the banner and "mem flash=<base>+<bytes> ram=... free=... stack=<bytes>"
 *     stats          prints "stats rx_dropped=<n>"
 *     reset          prints "resetting", resets the chip (the banner comes again, boot=<n+1>)
 *   anything else prints "error unknown command"
 */
#ifndef WRT_BRINGUP_H
#define WRT_BRINGUP_H

#include <stdint.h>

#define WRT_BRINGUP_ENQ 0x05u
#define WRT_BRINGUP_ACK 0x06u
#define WRT_BRINGUP_LINE_MAX 64u

void wrt_bringup_banner(void);
/* Runs one command line (NUL-terminated, without its line end). */
void wrt_bringup_run(const char *line);

#endif /* WRT_BRINGUP_H */
