/*
 * native-sim --measure: the load-time region use of one module, for profiles. sim_measure.c
 * defines it for native-sim; the protocol test double (test_engine.c) refuses it.
 */
#ifndef WRT_SIM_MEASURE_H
#define WRT_SIM_MEASURE_H

#include <stddef.h>
#include <stdint.h>

#include "wrt_api.h"

/*
 * Loads and instantiates the module (nothing of it runs) and prints `meta=N code=N control=N` on
 * stdout. Returns the exit code: 0 measured, 1 the core refused the module (the reason on
 * stderr, with its byte offset), 2 too large, 3 no memory for the measuring arena.
 */
int wrt_sim_measure(const uint8_t *i_module, size_t len);

/* The same with the code form of a 32-bit device (sim_measure.c built with WRT_CONFIG_FUSED_WIDE 0). */
int wrt_sim_measure_narrow(const uint8_t *i_module, size_t len);
/* The same, compiled without superinstructions: the small executor's code form. */
int wrt_sim_measure_unfused(const uint8_t *i_module, size_t len);

/* Code sites --locate takes at once (a backtrace has at most WRT_TRAP_FRAMES_MAX). */
#define WRT_SIM_LOCATE_MAX_SITES 64u

/*
 * native-sim --locate: the wasm byte offset of each code site of a trap (wrt_locate_sites),
 * printed `FUNC:CELL=OFFSET` (or `=none`) per line, as the core of each form compiles the module:
 * this host's, a 32-bit device's (narrow) or the small executor's (unfused). Exit codes as above.
 */
int wrt_sim_locate(const uint8_t *i_module, size_t len, const wrt_code_site *i_sites, uint32_t nsites);
int wrt_sim_locate_narrow(const uint8_t *i_module, size_t len, const wrt_code_site *i_sites, uint32_t nsites);
int wrt_sim_locate_unfused(const uint8_t *i_module, size_t len, const wrt_code_site *i_sites, uint32_t nsites);

#endif
