/*
 * Every host function a module links to on the device goes through here (docs/host-calls.md):
 * the device's own (WASI, natives), the wrt:logging import, and the imports the host serves over
 * the wire (HOST_IMPORTS, HOST_CALL). Each gets a proxy entry that applies the profile's policy per
 * import (allow, deny, log) and its call budget per invocation, traces the call (HOST_TRACE) when
 * the host asked for it or the policy says log, and then runs the function. Static tables, no
 * allocation; the interpreter core sees one registry.
 */
#ifndef WRT_ENGINE_HOST_H
#define WRT_ENGINE_HOST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "wrt_api.h"
#include "wrt_profile.h"
#include "wrtp_engine.h"

/*
 * Most functions of the device's own registries (WASI, the board's and the application's natives)
 * that get a proxy: WASI's 13 and up to 35 natives (wrt_engine_natives.h refuses more at start).
 */
#ifndef WRT_ENGINE_HOST_NATIVE_MAX
#define WRT_ENGINE_HOST_NATIVE_MAX 48u
#endif
/* Bytes for the names and signatures of the declared host imports, each NUL-terminated. */
#ifndef WRT_ENGINE_HOST_NAME_BYTES
#define WRT_ENGINE_HOST_NAME_BYTES 768u
#endif
#define WRT_ENGINE_HOST_MAX (WRT_ENGINE_HOST_NATIVE_MAX + 1u + WRTP_PROTO_MAX_HOST_IMPORTS)

/* The logging import (shaped after wasi:logging's `log`): level, context and message as (ptr, len). */
#define WRT_ENGINE_LOG_MODULE "wrt:logging"
#define WRT_ENGINE_LOG_NAME "log"
#define WRT_ENGINE_LOG_SIGNATURE "iiiii:"

typedef struct wrt_engine_host {
    wrt_host_func funcs[WRT_ENGINE_HOST_MAX];          /* the proxies modules link to */
    const wrt_host_func *native[WRT_ENGINE_HOST_MAX];  /* the device function behind a proxy; NULL: not native */
    uint8_t declared[WRT_ENGINE_HOST_MAX];             /* 1 + index in HOST_IMPORTS; 0: not served by the host */
    uint8_t policy[WRT_ENGINE_HOST_MAX];               /* WRT_PROFILE_POLICY_* */
    uint32_t budget[WRT_ENGINE_HOST_MAX];              /* calls per invocation; WRT_BUDGET_UNLIMITED */
    uint32_t used[WRT_ENGINE_HOST_MAX];
    uint32_t count;
    wrt_host_registry registry;
    /* HOST_IMPORTS, copied: "module\0field\0signature\0" per import. */
    uint8_t ndeclared;
    uint8_t flags;                                     /* WRTP_HOST_TRACE_ALL */
    const char *decl[WRTP_PROTO_MAX_HOST_IMPORTS][3];
    char names[WRT_ENGINE_HOST_NAME_BYTES];
    const wrtp_engine_io *io;                          /* set only while an invocation runs */
    const wrt_host_func *stopped;                      /* the proxy whose call was denied or over budget */
    uint64_t calls;
    uint64_t denied;
    uint64_t over_budget;
    uint64_t logs;
} wrt_engine_host;

void wrt_engine_host_init(wrt_engine_host *o_host);

/* HOST_IMPORTS: replaces the declared imports; refuses (o_err, offset = index) what does not fit. */
bool wrt_engine_host_declare(wrt_engine_host *io_host, const wrtp_msg_host_imports *i_msg, wrtp_engine_error *o_err);

/* Forgets the declared imports and the trace flag (a RESET). */
void wrt_engine_host_forget(wrt_engine_host *io_host);

/*
 * Builds the proxies before a load: the device's functions (the `native` registry chain) first, so a
 * declared import of the same name never replaces one, then wrt:logging, then the declared imports.
 * With a profile, each gets the policy and budget of its import record, and a function the profile
 * does not list is denied; without one every call is allowed and unbounded.
 */
void wrt_engine_host_link(wrt_engine_host *io_host, const wrt_host_registry *i_native, const wrt_profile *i_profile);

/* The registry a module is instantiated against. */
const wrt_host_registry *wrt_engine_host_registry(const wrt_engine_host *i_host);

/* Around one invocation (the start function too, with i_io NULL): budgets start afresh. */
void wrt_engine_host_begin(wrt_engine_host *io_host, const wrtp_engine_io *i_io);
void wrt_engine_host_end(wrt_engine_host *io_host);

/*
 * After trap HOST_CALL_DENIED or HOST_BUDGET_EXHAUSTED: the function index, in the module of
 * `i_instance`, of the import whose call stopped the invocation, or UINT32_MAX when unknown.
 */
uint32_t wrt_engine_host_stopped_import(const wrt_engine_host *i_host, const wrt_instance *i_instance);

/* A slot of the core (wrt_api.h) as a wire value, and back; false when the value cannot cross. */
void wrt_engine_slot_to_wire(uint32_t type, uint64_t slot, wrtp_wire_value *o_value);
bool wrt_engine_wire_to_slot(const wrtp_wire_value *i_value, uint32_t want, uint64_t *o_slot);

#endif
