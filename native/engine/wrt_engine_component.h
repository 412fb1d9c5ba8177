/*
 * COMPONENT_INVOKE on the interpreter core: the engine operation (wrtp_engine_ops.component_invoke)
 * that runs native/component's canonical ABI around core invocations (docs/component.md).
 */
#ifndef WRT_ENGINE_COMPONENT_H
#define WRT_ENGINE_COMPONENT_H

#include <stdbool.h>

#include "wrt_interp_engine.h"

/* COMPONENT_ADAPTER (wrtp_engine_ops.component_adapter). */
bool wrt_engine_component_adapter(void *ctx, const wrtp_msg_component_adapter *i_msg, uint16_t *o_index, wrtp_engine_error *o_err);
/* COMPONENT_RESOURCE (wrtp_engine_ops.component_resource). */
bool wrt_engine_component_resource(void *ctx, const wrtp_msg_component_resource *i_msg, uint16_t *o_index, wrtp_engine_error *o_err);
/* The registry an upload links against: the session's adapters, then the device's host functions. */
const wrt_host_registry *wrt_engine_component_registry(wrt_interp_engine *io_e);
/* Drops every adapter (a RESET, a session's end). */
void wrt_engine_component_drop(wrt_interp_engine *io_e);

bool wrt_engine_component_invoke(void *ctx, const wrtp_msg_component_invoke *i_msg, const wrtp_engine_io *i_io,
                                 wrtp_msg_component_result *o_result, wrtp_engine_error *o_err);

#endif
