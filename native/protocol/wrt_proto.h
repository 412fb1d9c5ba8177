/*
 * Numbers of the wire protocol (docs/protocol.md): message types, flags, error codes, sizes.
 * They are stable: the host toolchain and logs match on them; new ones are appended.
 */
#ifndef WRT_PROTO_H
#define WRT_PROTO_H

#include "wrt_proto_config.h"

#define WRT_PROTO_VERSION 1u
#define WRT_PROTO_HEADER_BYTES 8u
#define WRT_PROTO_CRC_BYTES 4u
#define WRT_PROTO_FRAME_OVERHEAD (WRT_PROTO_HEADER_BYTES + WRT_PROTO_CRC_BYTES)
#define WRT_PROTO_MAX_BODY (WRT_PROTO_MAX_FRAME - WRT_PROTO_FRAME_OVERHEAD)
#define WRT_PROTO_SHA256_BYTES 32u
#define WRT_PROTO_DEVICE_ID_MAX 32u
#define WRT_PROTO_STAT_NAME_MAX 32u
#define WRT_PROTO_REF_NULL 0xFFFFFFFFu

/* Message types. */
#define WRT_MSG_HELLO 0x01u
#define WRT_MSG_UPLOAD_BEGIN 0x02u
#define WRT_MSG_UPLOAD_CHUNK 0x03u
#define WRT_MSG_UPLOAD_END 0x04u
#define WRT_MSG_INVOKE 0x05u
#define WRT_MSG_STATS 0x06u
#define WRT_MSG_RESET 0x07u
#define WRT_MSG_SESSION 0x08u
#define WRT_MSG_REGISTER 0x09u
#define WRT_MSG_GLOBAL_GET 0x0Au
#define WRT_MSG_ARGS 0x0Bu
#define WRT_MSG_OUTPUT 0x40u
#define WRT_MSG_LOG 0x41u
#define WRT_MSG_ERROR 0x7Fu

/* Header flags. */
#define WRT_FLAG_RESPONSE 0x01u
#define WRT_FLAG_UNSOLICITED 0x02u

/* HELLO feature bits. */
#define WRT_FEATURE_FLOAT (1u << 0)
#define WRT_FEATURE_OUTPUT (1u << 1)
#define WRT_FEATURE_LOG (1u << 2)
#define WRT_FEATURE_FUEL (1u << 3)
#define WRT_FEATURE_REFERENCE_TYPES (1u << 4)
#define WRT_FEATURE_BULK_MEMORY (1u << 5)
#define WRT_FEATURE_SESSIONS (1u << 6)
#define WRT_FEATURE_ARGS (1u << 7)
#define WRT_FEATURE_TEST_DOUBLE (1u << 31)

/* OUTPUT streams and LOG levels. */
#define WRT_STREAM_STDOUT 1u
#define WRT_STREAM_STDERR 2u
#define WRT_LOG_ERROR 0u
#define WRT_LOG_WARN 1u
#define WRT_LOG_INFO 2u
#define WRT_LOG_DEBUG 3u

/* RESET kinds. */
#define WRT_RESET_SESSION 0u
#define WRT_RESET_DEVICE 1u

/* SESSION modes (docs/protocol.md §4a); WRT_SESSION_QUERY only asks. */
#define WRT_SESSION_ONE 0u
#define WRT_SESSION_KEEP 1u
#define WRT_SESSION_QUERY 0xFFu

/* A funcref of a host function: it has no index in a module (REF_NULL is null). */
#define WRT_PROTO_REF_HOST 0xFFFFFFFEu

/* Value type codes, as the WebAssembly binary format writes them. */
#define WRT_WIRE_I32 0x7Fu
#define WRT_WIRE_I64 0x7Eu
#define WRT_WIRE_F32 0x7Du
#define WRT_WIRE_F64 0x7Cu
#define WRT_WIRE_FUNCREF 0x70u
#define WRT_WIRE_EXTERNREF 0x6Fu

/* Error codes carried by ERROR frames. */
enum wrt_proto_error {
    WRT_PERR_NONE = 0,
    WRT_PERR_FRAME_CRC = 1,
    WRT_PERR_FRAME_MALFORMED = 2,
    WRT_PERR_FRAME_TOO_LARGE = 3,
    WRT_PERR_FRAME_TRUNCATED = 4,
    WRT_PERR_VERSION_UNSUPPORTED = 5,
    WRT_PERR_TYPE_UNKNOWN = 6,
    WRT_PERR_BODY_MALFORMED = 7,
    WRT_PERR_STATE = 8,
    WRT_PERR_UPLOAD_TOO_LARGE = 9,
    WRT_PERR_PROFILE_TOO_LARGE = 10,
    WRT_PERR_UPLOAD_RANGE = 11,
    WRT_PERR_UPLOAD_GAP = 12,
    WRT_PERR_UPLOAD_INCOMPLETE = 13,
    WRT_PERR_HASH_MISMATCH = 14,
    WRT_PERR_LOAD_FAILED = 15,
    WRT_PERR_NO_MODULE = 16,
    WRT_PERR_EXPORT_NOT_FOUND = 17,
    WRT_PERR_ARGS_INVALID = 18,
    WRT_PERR_ENGINE_FAILED = 19,
    WRT_PERR_INSTANCE_UNKNOWN = 20,
    WRT_PERR_SESSION_FULL = 21
};

/* Upload states, as STATE and NO_MODULE errors report them. */
enum wrt_upload_state { WRT_UPLOAD_IDLE = 0, WRT_UPLOAD_RECEIVING = 1, WRT_UPLOAD_COMMITTED = 2 };

#endif
