/*
 * Numbers of the wire protocol (docs/protocol.md): message types, flags, error codes, sizes.
 * They are stable: the host toolchain and logs match on them; new ones are appended.
 */
#ifndef WRTP_PROTO_H
#define WRTP_PROTO_H

#include "wrtp_proto_config.h"

#define WRTP_PROTO_VERSION 1u
#define WRTP_PROTO_HEADER_BYTES 8u
#define WRTP_PROTO_CRC_BYTES 4u
#define WRTP_PROTO_FRAME_OVERHEAD (WRTP_PROTO_HEADER_BYTES + WRTP_PROTO_CRC_BYTES)
#define WRTP_PROTO_MAX_BODY (WRTP_PROTO_MAX_FRAME - WRTP_PROTO_FRAME_OVERHEAD)
#define WRTP_PROTO_SHA256_BYTES 32u
#define WRTP_PROTO_DEVICE_ID_MAX 32u
#define WRTP_PROTO_STAT_NAME_MAX 32u
#define WRTP_PROTO_REF_NULL 0xFFFFFFFFu

/* Message types. */
#define WRTP_MSG_HELLO 0x01u
#define WRTP_MSG_UPLOAD_BEGIN 0x02u
#define WRTP_MSG_UPLOAD_CHUNK 0x03u
#define WRTP_MSG_UPLOAD_END 0x04u
#define WRTP_MSG_INVOKE 0x05u
#define WRTP_MSG_STATS 0x06u
#define WRTP_MSG_RESET 0x07u
#define WRTP_MSG_SESSION 0x08u
#define WRTP_MSG_REGISTER 0x09u
#define WRTP_MSG_GLOBAL_GET 0x0Au
#define WRTP_MSG_ARGS 0x0Bu
#define WRTP_MSG_HOST_IMPORTS 0x0Cu
#define WRTP_MSG_HOST_RESULT 0x0Du
#define WRTP_MSG_BREAKPOINTS 0x0Eu
#define WRTP_MSG_COMPONENT_INVOKE 0x0Fu
#define WRTP_MSG_COMPONENT_ADAPTER 0x10u
#define WRTP_MSG_COMPONENT_RESOURCE 0x11u
#define WRTP_MSG_OUTPUT 0x40u
#define WRTP_MSG_LOG 0x41u
#define WRTP_MSG_HOST_CALL 0x42u
#define WRTP_MSG_HOST_TRACE 0x43u
#define WRTP_MSG_BREAK 0x44u
#define WRTP_MSG_TRACE 0x45u
#define WRTP_MSG_ERROR 0x7Fu

/* Header flags. */
#define WRTP_FLAG_RESPONSE 0x01u
#define WRTP_FLAG_UNSOLICITED 0x02u

/* HELLO feature bits. */
#define WRTP_FEATURE_FLOAT (1u << 0)
#define WRTP_FEATURE_OUTPUT (1u << 1)
#define WRTP_FEATURE_LOG (1u << 2)
#define WRTP_FEATURE_FUEL (1u << 3)
#define WRTP_FEATURE_REFERENCE_TYPES (1u << 4)
#define WRTP_FEATURE_BULK_MEMORY (1u << 5)
#define WRTP_FEATURE_SESSIONS (1u << 6)
#define WRTP_FEATURE_ARGS (1u << 7)
/* HOST_IMPORTS, HOST_CALL/HOST_RESULT, HOST_TRACE and LOG records of wrt:logging (docs/protocol.md §4c). */
#define WRTP_FEATURE_HOST_CALLS (1u << 8)
/* UPLOAD_BEGIN may end with a u64 fuel budget for the module's start function (docs/protocol.md). */
#define WRTP_FEATURE_START_FUEL (1u << 9)
/* A trapped INVOKE answer ends with the wasm backtrace: count, then function and code cell each. */
#define WRTP_FEATURE_BACKTRACE (1u << 10)
/* The code form of those cells: no superinstructions (the small executor), or no 64-bit ones. */
#define WRTP_FEATURE_CODE_UNFUSED (1u << 11)
#define WRTP_FEATURE_CODE_NARROW (1u << 12)
/* Debugging within the profile's budget (docs/protocol.md §4d): BREAKPOINTS, BREAK and TRACE. */
#define WRTP_FEATURE_DEBUG (1u << 13)
/* COMPONENT_INVOKE: a component's exported function through the canonical ABI (docs/protocol.md §4e). */
#define WRTP_FEATURE_COMPONENT (1u << 14)
/* COMPONENT_ADAPTER: a canon lower of another instance's lifted function, run by nested invocation (§4f). */
#define WRTP_FEATURE_COMPONENT_LINK (1u << 15)
/* COMPONENT_RESOURCE op 4: WASI 0.2 functions of the device for a component's imports (§4f). */
#define WRTP_FEATURE_WASI2 (1u << 16)
/* SESSION's features byte (docs/protocol.md §4a): multi-memory for the session's core modules. */
#define WRTP_FEATURE_MULTI_MEMORY (1u << 17)
/* COMPONENT_INVOKE's owner field and COMPONENT_RESOURCE op 5: handles between the host and the device (§4e). */
#define WRTP_FEATURE_HOST_HANDLES (1u << 18)
#define WRTP_FEATURE_TEST_DOUBLE (1u << 31)

/* OUTPUT streams and LOG levels. */
#define WRTP_STREAM_STDOUT 1u
#define WRTP_STREAM_STDERR 2u
#define WRTP_LOG_ERROR 0u
#define WRTP_LOG_WARN 1u
#define WRTP_LOG_INFO 2u
#define WRTP_LOG_DEBUG 3u
/*
 * A LOG whose level byte has this bit is a wrt:logging record: the low bits hold the wasi:logging
 * level (0 trace .. 5 critical) and a u8-prefixed context string precedes the message.
 */
#define WRTP_LOG_RECORD 0x80u
#define WRTP_LOG_RECORD_LEVELS 6u

/* HOST_IMPORTS flags; HOST_RESULT status; HOST_TRACE outcome is the trap code (0 returned). */
#define WRTP_HOST_TRACE_ALL 0x01u
#define WRTP_HOST_RESULT_OK 0u
#define WRTP_HOST_RESULT_FAILED 1u

/* RESET kinds. */
#define WRTP_RESET_SESSION 0u
#define WRTP_RESET_DEVICE 1u

/* SESSION modes (docs/protocol.md §4a); WRTP_SESSION_QUERY only asks. */
#define WRTP_SESSION_ONE 0u
#define WRTP_SESSION_KEEP 1u
#define WRTP_SESSION_QUERY 0xFFu
/* SESSION's optional features byte: bits of the WebAssembly features later loads accept. */
#define WRTP_SESSION_FEATURE_MULTI_MEMORY 0x01u
#define WRTP_SESSION_FEATURES_KNOWN 0x01u
#define WRTP_SESSION_FEATURES_UNCHANGED 0xFFu  /* no features byte: as they were */

/* A funcref of a host function: it has no index in a module (REF_NULL is null). */
#define WRTP_PROTO_REF_HOST 0xFFFFFFFEu

/* Value type codes, as the WebAssembly binary format writes them. */
#define WRTP_WIRE_I32 0x7Fu
#define WRTP_WIRE_I64 0x7Eu
#define WRTP_WIRE_F32 0x7Du
#define WRTP_WIRE_F64 0x7Cu
#define WRTP_WIRE_FUNCREF 0x70u
#define WRTP_WIRE_EXTERNREF 0x6Fu

/* Error codes carried by ERROR frames. */
enum wrtp_proto_error {
    WRTP_PERR_NONE = 0,
    WRTP_PERR_FRAME_CRC = 1,
    WRTP_PERR_FRAME_MALFORMED = 2,
    WRTP_PERR_FRAME_TOO_LARGE = 3,
    WRTP_PERR_FRAME_TRUNCATED = 4,
    WRTP_PERR_VERSION_UNSUPPORTED = 5,
    WRTP_PERR_TYPE_UNKNOWN = 6,
    WRTP_PERR_BODY_MALFORMED = 7,
    WRTP_PERR_STATE = 8,
    WRTP_PERR_UPLOAD_TOO_LARGE = 9,
    WRTP_PERR_PROFILE_TOO_LARGE = 10,
    WRTP_PERR_UPLOAD_RANGE = 11,
    WRTP_PERR_UPLOAD_GAP = 12,
    WRTP_PERR_UPLOAD_INCOMPLETE = 13,
    WRTP_PERR_HASH_MISMATCH = 14,
    WRTP_PERR_LOAD_FAILED = 15,
    WRTP_PERR_NO_MODULE = 16,
    WRTP_PERR_EXPORT_NOT_FOUND = 17,
    WRTP_PERR_ARGS_INVALID = 18,
    WRTP_PERR_ENGINE_FAILED = 19,
    WRTP_PERR_INSTANCE_UNKNOWN = 20,
    WRTP_PERR_SESSION_FULL = 21,
    WRTP_PERR_DEBUG_BUDGET = 22  /* more breakpoints than the profile's budget: detail asked, limit budget */
};

/* Upload states, as STATE and NO_MODULE errors report them. */
enum wrtp_upload_state { WRTP_UPLOAD_IDLE = 0, WRTP_UPLOAD_RECEIVING = 1, WRTP_UPLOAD_COMMITTED = 2 };

#endif
