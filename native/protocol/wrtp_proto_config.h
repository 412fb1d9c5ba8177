/*
 * Build settings of the wire protocol. Every one can be set from the compiler command line; the
 * firmware builds and native-sim compile the same sources with their own values.
 */
#ifndef WRTP_PROTO_CONFIG_H
#define WRTP_PROTO_CONFIG_H

/* Largest decoded frame (header + body + CRC) this device accepts and sends: 256 .. 4096. */
#ifndef WRTP_PROTO_MAX_FRAME
#define WRTP_PROTO_MAX_FRAME 1024u
#endif

/* A partial frame that sees no byte for this long is discarded and reported (FRAME_TRUNCATED). */
#ifndef WRTP_PROTO_IDLE_TIMEOUT_MS
#define WRTP_PROTO_IDLE_TIMEOUT_MS 250u
#endif

/* Most arguments and most results of one INVOKE. */
#ifndef WRTP_PROTO_MAX_VALUES
#define WRTP_PROTO_MAX_VALUES 32u
#endif

/* Frames of a trap's backtrace an INVOKE answer carries (the core records WRT_TRAP_FRAMES_MAX). */
#ifndef WRTP_PROTO_MAX_TRAP_FRAMES
#define WRTP_PROTO_MAX_TRAP_FRAMES 8u
#endif

/* Longest export name INVOKE may carry. */
#ifndef WRTP_PROTO_MAX_NAME
#define WRTP_PROTO_MAX_NAME 64u
#endif

/*
 * COMPONENT_ADAPTER and COMPONENT_RESOURCE (docs/protocol.md §4f): left out of an image without the
 * component runtime (WRT_CONFIG_COMPONENTS=0, the small executor's, within 64 KiB of flash) or
 * without its linking (WRT_CONFIG_COMPONENT_LINK=0, the fast firmware's); such a server answers
 * them TYPE_UNKNOWN, as it does when the engine has no operation for them.
 */
#ifndef WRTP_PROTO_COMPONENT_LINK
#if (defined(WRT_CONFIG_COMPONENTS) && !WRT_CONFIG_COMPONENTS) || (defined(WRT_CONFIG_COMPONENT_LINK) && !WRT_CONFIG_COMPONENT_LINK)
#define WRTP_PROTO_COMPONENT_LINK 0
#else
#define WRTP_PROTO_COMPONENT_LINK 1
#endif
#endif

/*
 * SESSION's features byte (docs/protocol.md §4a: multi-memory for a session's core modules): left
 * out of an image without the component runtime (the small executor's), whose SESSION then refuses
 * a second byte as BODY_MALFORMED (offset 1), as a device that predates it does.
 */
#ifndef WRTP_PROTO_SESSION_FEATURES
#if defined(WRT_CONFIG_COMPONENTS) && !WRT_CONFIG_COMPONENTS
#define WRTP_PROTO_SESSION_FEATURES 0
#else
#define WRTP_PROTO_SESSION_FEATURES 1
#endif
#endif

/*
 * Longest name of the session messages (docs/protocol.md §4a): REGISTER, GLOBAL_GET and INVOKE's
 * long-name form. Names point into the receive buffer, so the bound costs no RAM; the frame bounds it too.
 */
/* Most strings one ARGS request carries (argv and environment together). */
#ifndef WRTP_PROTO_MAX_ARGS
#define WRTP_PROTO_MAX_ARGS 32u
#endif

#ifndef WRTP_PROTO_MAX_LONG_NAME
#define WRTP_PROTO_MAX_LONG_NAME 512u
#endif

/* Most counters one STATS answer carries (protocol and engine together). */
#ifndef WRTP_PROTO_MAX_STATS
#define WRTP_PROTO_MAX_STATS 32u
#endif

/* Most bytes wrtp_server_poll reads from the port per call, so one call stays short. */
#ifndef WRTP_PROTO_POLL_BYTES
#define WRTP_PROTO_POLL_BYTES 256u
#endif

/*
 * Host imports (docs/protocol.md §4c): most imports one HOST_IMPORTS declares, the longest module
 * or field name, how long the device waits for a HOST_RESULT before it sends the HOST_CALL again,
 * and how long in all before the call fails (trap "host function failed").
 */
#ifndef WRTP_PROTO_MAX_HOST_IMPORTS
#define WRTP_PROTO_MAX_HOST_IMPORTS 16u
#endif
#ifndef WRTP_PROTO_MAX_HOST_NAME
#define WRTP_PROTO_MAX_HOST_NAME 64u
#endif
#ifndef WRTP_PROTO_HOST_CALL_RESEND_MS
#define WRTP_PROTO_HOST_CALL_RESEND_MS 500u
#endif
#ifndef WRTP_PROTO_HOST_CALL_TIMEOUT_MS
#define WRTP_PROTO_HOST_CALL_TIMEOUT_MS 30000u
#endif

/* Most breakpoints one BREAKPOINTS request carries (the profile's budget is the real bound: 8 or 64). */
#ifndef WRTP_PROTO_MAX_BREAKPOINTS
#define WRTP_PROTO_MAX_BREAKPOINTS 64u
#endif

#if WRTP_PROTO_MAX_FRAME < 256u || WRTP_PROTO_MAX_FRAME > 4096u
#error "WRTP_PROTO_MAX_FRAME must be 256 .. 4096"
#endif

#endif
