/*
 * Stable names and messages of trap codes, error codes and regions. Trap messages are the
 * specification's wording, so spec tooling and logs read the same.
 */
#include "wrt_internal.h"

static const char *const trap_messages[WRT_TRAP_CODE_COUNT] = {
    "ok",
    "unreachable",
    "out of bounds memory access",
    "integer divide by zero",
    "integer overflow",
    "invalid conversion to integer",
    "uninitialized element",
    "undefined element",
    "indirect call type mismatch",
    "value stack exhausted",
    "call stack exhausted",
    "fuel exhausted",
    "host call denied",
    "out of bounds table access",
    "host call budget exhausted",
    "host function failed",
    "program exited",
    "invocation misused",
    "nested invocations exhausted",
};

static const char *const error_names[WRT_ERROR_CODE_COUNT] = {
    "none", "malformed", "invalid", "unsupported", "arena", "limit", "link", "trap", "argument",
};

static const char *const region_names[WRT_REGION_COUNT] = {
    "meta", "code", "control", "stack", "frames", "memory", "tables", "globals", "trace",
};

const char *wrt_trap_message(uint32_t trap_code)
{
    return trap_code < WRT_TRAP_CODE_COUNT ? trap_messages[trap_code] : "unknown trap";
}

const char *wrt_error_name(uint32_t error_code)
{
    return error_code < WRT_ERROR_CODE_COUNT ? error_names[error_code] : "unknown";
}

const char *wrt_region_name(uint32_t region)
{
    return region < WRT_REGION_COUNT ? region_names[region] : "unknown";
}
