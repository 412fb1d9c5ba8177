/*
 * The engine native-sim links: exactly one translation unit defines wrt_sim_engine. The protocol
 * test binary links test_engine.c (a test double); the real native-sim links the interpreter
 * adapter once the interpreter core's API is final.
 */
#ifndef WRT_SIM_ENGINE_H
#define WRT_SIM_ENGINE_H

#include "wrt_engine.h"

/* Returns the engine's operations and sets *o_ctx to the context they take. */
const wrt_engine_ops *wrt_sim_engine(void **o_ctx);

#endif
