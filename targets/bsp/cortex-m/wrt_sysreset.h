/* Whole-chip reset through the System Control Block: the software watchdog path. */
#ifndef WRT_SYSRESET_H
#define WRT_SYSRESET_H

_Noreturn void wrt_sysreset(void);

#endif /* WRT_SYSRESET_H */
