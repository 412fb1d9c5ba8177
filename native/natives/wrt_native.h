/*
 * Natives: host functions an application adds to the firmware or native-sim, imported by a module
 * like any WASI function (docs/host-functions.md). A user writes one C file with a table and
 * builds it in with `deploy --natives FILE.c` or `run --natives FILE.c`; the project is not edited:
 *
 *   #include "wrt_native.h"
 *
 *   static uint32_t add_one(wrt_native_call *call) {
 *       wrt_native_return_i32(call, wrt_native_i32(call, 0) + 1);
 *       return WRT_OK;
 *   }
 *   WRT_NATIVE_APP_TABLE(
 *       WRT_NATIVE("app", "add_one", "i:i", 10, add_one),
 *   )
 *
 * A module imports it as (import "app" "add_one" (func (param i32) (result i32))). Each entry names
 * its import module and field, its wasm signature (wrt_api.h's letters: i i32, I i64, f f32, F f64,
 * parameters before the colon, results after), its fuel cost per call, and its handler. The import
 * is linked at load like a WASI one: a module whose import has another type is refused with a link
 * error naming module.field; a profile's call budget and allow list apply to it as to any import.
 * A handler returns WRT_OK, or a trap code (WRT_TRAP_HOST_ERROR, ...) that ends the invocation.
 * It must not call back into the interpreter. Names are checked when the engine starts: a bad
 * signature or a name WASI or the board already offers stops the start with a reason naming it.
 */
#ifndef WRT_NATIVE_H
#define WRT_NATIVE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "wrt_api.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef wrt_host_call wrt_native_call;
/* A table entry: the core's host function record (its budget is set per profile). */
typedef wrt_host_func wrt_native;

#define WRT_NATIVE(module, name, signature, fuel_cost, handler) \
    { (module), (name), (signature), (handler), NULL, WRT_BUDGET_UNLIMITED, (fuel_cost) }

/*
 * Defines the application's table, once per build. The entries stay in RAM (.data): the engine
 * writes each one's call budget when a profile is loaded.
 */
#define WRT_NATIVE_APP_TABLE(...)                                    \
    wrt_native wrt_native_app_table[] = {__VA_ARGS__};               \
    const uint32_t wrt_native_app_count =                            \
        (uint32_t)(sizeof wrt_native_app_table / sizeof wrt_native_app_table[0]);

/* The application's table (a build without --natives links an empty one) and the board's. */
extern wrt_native wrt_native_app_table[];
extern const uint32_t wrt_native_app_count;
extern wrt_native wrt_native_board_table[];
extern const uint32_t wrt_native_board_count;

static inline uint32_t wrt_native_i32(const wrt_native_call *i_call, uint32_t index)
{
    return (uint32_t)i_call->args[index];
}

static inline uint64_t wrt_native_i64(const wrt_native_call *i_call, uint32_t index)
{
    return i_call->args[index];
}

static inline void wrt_native_return_i32(wrt_native_call *io_call, uint32_t value)
{
    io_call->results[0] = value;
}

static inline void wrt_native_return_i64(wrt_native_call *io_call, uint64_t value)
{
    io_call->results[0] = value;
}

/* `len` bytes of the caller's memory at `ptr`, or NULL when any of them lies outside it. */
static inline uint8_t *wrt_native_memory(const wrt_native_call *i_call, uint32_t ptr, uint32_t len)
{
    if (i_call->memory == NULL || (uint64_t)ptr + len > i_call->memory_bytes) return NULL;
    return i_call->memory + ptr;
}

#ifdef __cplusplus
}
#endif

#endif
