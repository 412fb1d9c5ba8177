/*
 * COMPONENT_INVOKE on the interpreter core: the engine operation (wrtp_engine_ops.component_invoke)
 * that runs native/component's canonical ABI around core invocations (docs/component.md).
 */
#ifndef WRT_ENGINE_COMPONENT_H
#define WRT_ENGINE_COMPONENT_H

#include <stdbool.h>

#include "wrt_interp_engine.h"

bool wrt_engine_component_invoke(void *ctx, const wrtp_msg_component_invoke *i_msg, const wrtp_engine_io *i_io,
                                 wrtp_msg_component_result *o_result, wrtp_engine_error *o_err);

#endif
