/*
 * The interpreter core behind the protocol server's wrtp_engine_ops: one adapter for native-sim and
 * the firmware. The platform gives the arena, its region layout, the clock and (optionally) an
 * entropy source; nothing is allocated after start.
 */
#ifndef WRT_INTERP_ENGINE_H
#define WRT_INTERP_ENGINE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "wrt_api.h"
#include "wrt_engine_host.h"
#include "wrtp_engine.h"
#include "wrt_wasi.h"
#include "wrt_engine_natives.h"
#include "wrt_engine_profile.h"
#include "wrt_component.h"
#include "wrt_handles.h"
#include "wrt_wasi2.h"

/* The component runtime (COMPONENT_INVOKE, native/component): 0 leaves it out of an image, as the
 * small firmware (targets/firmware EXECUTOR=small) does to stay within 64 KiB of flash. */
#ifndef WRT_CONFIG_COMPONENTS
#define WRT_CONFIG_COMPONENTS 1
#endif

/*
 * Components of several core instances linked on the device: fused adapters (COMPONENT_ADAPTER),
 * resource types and built-ins with their handle tables (COMPONENT_RESOURCE), over nested
 * invocation. 0 leaves them out while keeping COMPONENT_INVOKE: the firmware's fast image does,
 * since a board's arena is laid out for one module and deploy runs components of one core instance
 * (docs/component.md); it saves about 7 KiB of RAM and 4.7 KiB of flash there.
 */
#ifndef WRT_CONFIG_COMPONENT_LINK
#define WRT_CONFIG_COMPONENT_LINK WRT_CONFIG_COMPONENTS
#endif

/*
 * WASI 0.2 functions for a component's wasi:* imports (native/component/wrt_wasi2.c, COMPONENT_RESOURCE
 * op 4): a command built with the preview1 command adapter is several core instances, so this comes
 * with the linking above and is left out with it (HELLO feature bit 16).
 */
#ifndef WRT_CONFIG_WASI2
#define WRT_CONFIG_WASI2 WRT_CONFIG_COMPONENT_LINK
#endif
#if WRT_CONFIG_WASI2 && !WRT_CONFIG_COMPONENT_LINK
#error "WRT_CONFIG_WASI2 needs WRT_CONFIG_COMPONENT_LINK"
#endif

/*
 * Most instances and registered names of one session (docs/protocol.md §4a): static tables in the
 * engine object. The platform may set others on the compiler command line (native-sim: 1024, 64).
 */
#ifndef WRT_ENGINE_MAX_INSTANCES
#define WRT_ENGINE_MAX_INSTANCES 8u
#endif
#ifndef WRT_ENGINE_MAX_REGISTRATIONS
#define WRT_ENGINE_MAX_REGISTRATIONS 8u
#endif
#if WRT_ENGINE_MAX_INSTANCES < 1u || WRT_ENGINE_MAX_INSTANCES > 0xFFFFu || WRT_ENGINE_MAX_REGISTRATIONS > 0xFFFFu
#error "WRT_ENGINE_MAX_INSTANCES must be 1 .. 65535, WRT_ENGINE_MAX_REGISTRATIONS at most 65535"
#endif


typedef struct wrt_interp_platform {
    void *ctx;
    /* Nanoseconds of clock `id` (0 realtime, 1 monotonic); false when the platform lacks it. */
    bool (*clock_ns)(void *ctx, uint32_t id, uint64_t *o_ns);
    /* Fills `len` bytes of entropy; NULL where there is no source (random_get answers ENOSYS). */
    bool (*random)(void *ctx, uint8_t *o_buf, uint32_t len);
    /* The target id a profile must name (targets/<id>.yaml); NULL accepts a profile for any target. */
    const char *target_id;
    /*
     * The Ed25519 public key (32 bytes) every module must be signed by (docs/signing.md), provisioned
     * when the platform was built or started; NULL: none, and only a profile may ask for a signature.
     */
    const uint8_t *signing_key;
    /*
     * The signature check with that key (wrt_sig_verify_module, native/sig), given with it: a
     * firmware built without a key leaves it NULL, and its image then links no Ed25519 code.
     */
    wrt_engine_verify_fn verify_module;
} wrt_interp_platform;

/* Bytes for a load error's message with the region and sizes it names. */
#ifndef WRT_ENGINE_ERROR_TEXT_BYTES
#define WRT_ENGINE_ERROR_TEXT_BYTES 160u
#endif

/* Bytes for the strings of an ARGS request (each with its NUL); RAM every platform pays for. */
#ifndef WRT_ENGINE_ARGS_BYTES
#define WRT_ENGINE_ARGS_BYTES 512u
#endif

/* Painted over the value stack before each invocation; the highest slot changed is the peak. */
#define WRT_ENGINE_STACK_PAINT 0xA5C3A5C3A5C3A5C3ull

/*
 * COMPONENT_ADAPTER and COMPONENT_RESOURCE (docs/protocol.md §4f): adapters and built-ins per
 * session, adapters inside one another, the type bytes, nodes and value slots of one adapter call;
 * resource types per session, component instances with a handle table, handles per table. The
 * defaults are small (about 6 KiB of RAM on a 32-bit target), for an image that links components
 * within a board's RAM; the firmware leaves linking out for now (WRT_CONFIG_COMPONENT_LINK) and
 * native-sim's Makefile raises them.
 */
#ifndef WRT_ENGINE_MAX_ADAPTERS
#define WRT_ENGINE_MAX_ADAPTERS 8u
#endif
#ifndef WRT_ENGINE_ADAPTER_DEPTH
#define WRT_ENGINE_ADAPTER_DEPTH 2u
#endif
#ifndef WRT_ENGINE_ADAPTER_TYPE_BYTES
#define WRT_ENGINE_ADAPTER_TYPE_BYTES 64u
#endif
#ifndef WRT_ENGINE_ADAPTER_NODES
#define WRT_ENGINE_ADAPTER_NODES 32u
#endif
#ifndef WRT_ENGINE_ADAPTER_VALUES
#define WRT_ENGINE_ADAPTER_VALUES 48u
#endif
#ifndef WRT_ENGINE_MAX_RESOURCE_TYPES
#define WRT_ENGINE_MAX_RESOURCE_TYPES 8u
#endif
#ifndef WRT_ENGINE_MAX_HANDLE_TABLES
#define WRT_ENGINE_MAX_HANDLE_TABLES 4u
#endif
#ifndef WRT_ENGINE_MAX_HANDLES
#define WRT_ENGINE_MAX_HANDLES 16u
#endif
/* Handles moved by one adapter call (own and borrow, arguments and results). */
#define WRT_ENGINE_ADAPTER_HANDLES 16u

typedef struct wrt_ec_resource {
    const wrt_func *dtor;    /* NULL: none */
    uint16_t impl;           /* the component instance that defines it */
} wrt_ec_resource;

/* One component instance's handle table (native/component/wrt_handles.h: the model's Table). */
typedef struct wrt_ec_table {
    uint16_t owner;          /* the component instance; 0: free */
    wrt_handle_table table;
    wrt_handle slots[WRT_ENGINE_MAX_HANDLES];
} wrt_ec_table;

struct wrt_interp_engine;

/* One `canon lower` of a lifted function of another core instance (wrt_engine_component.c). */
typedef struct wrt_ec_adapter {
    struct wrt_interp_engine *e;
    uint8_t kind;                 /* 0 a fused adapter; 1 resource.new, 2 resource.drop, 3 resource.rep; 4 a WASI 0.2 function */
    uint16_t wasi;                /* kind 4: the function (wrt_wasi2_lookup) */
    uint16_t rt;                  /* built-ins: the resource type (0xFFFF: not checked) */
    uint16_t owner;               /* built-ins: whose handle table */
    const wrt_func *callee;
    const wrt_func *callee_realloc;
    const wrt_func *callee_post_return;
    wrt_instance *callee_memory;  /* whose memory the callee's options name; NULL: none */
    wrt_instance *caller_memory;
    const wrt_func *caller_realloc;
    uint8_t callee_encoding;
    uint8_t caller_encoding;
    uint16_t caller_owner;
    uint16_t callee_owner;
    uint16_t params_len;
    uint16_t result_len;
    uint8_t params[WRT_ENGINE_ADAPTER_TYPE_BYTES];
    uint8_t result[WRT_ENGINE_ADAPTER_TYPE_BYTES];
    char name[6];                 /* the index in decimal: the import's field name */
    char signature[2u * WRT_CABI_MAX_FLAT_PARAMS + 4u];
} wrt_ec_adapter;

/* One adapter call's type nodes and the values it lifts on each side. */
typedef struct wrt_ec_scratch {
    wrt_cabi_type nodes[WRT_ENGINE_ADAPTER_NODES];
    wrt_cabi_val args[WRT_ENGINE_ADAPTER_VALUES];
    wrt_cabi_val results[WRT_ENGINE_ADAPTER_VALUES];
} wrt_ec_scratch;

/* The engine's state; the platform keeps it (static storage) for as long as the server runs. */
typedef struct wrt_interp_engine {
    uint8_t *arena;
    size_t arena_bytes;
    wrt_layout default_layout; /* the platform's, for modules uploaded without a profile */
    wrt_layout layout;         /* the runtime's now */
    size_t runtime_bytes;      /* arena bytes the runtime is laid out in now */
    bool profiled;             /* the loaded module runs under a profile */
    uint64_t fuel_budget;      /* the profile's fuel per invocation; WRT_FUEL_UNLIMITED without one */
    wrt_interp_platform platform;
    wrt_runtime *rt;
    wrt_instance *instance;    /* the latest instance, NULL when none */
    wrt_instance *instances[WRT_ENGINE_MAX_INSTANCES]; /* id N is instances[N - 1] */
    uint16_t ninstances;
    uint16_t nregistered;
    bool keep;                 /* session mode KEEP: a load adds an instance */
    uint32_t features;         /* WRT_FEATURE_* the session turned on (SESSION's features byte) */
    wrt_wasi wasi;
    wrt_engine_host host;      /* every host function a module links to, under the profile's policies */
    wrt_engine_natives natives; /* the board's and the application's, chained after wasi */
    /* The platform's argv and environment, which a RESET brings back after an ARGS request. */
    const char *const *default_argv;
    uint32_t default_argc;
    const char *const *default_envp;
    uint32_t default_envc;
    char args_bytes[WRT_ENGINE_ARGS_BYTES];
    const char *args[WRTP_PROTO_MAX_ARGS];
    const wrtp_engine_io *io; /* set only while an invocation runs */
    /* The last load error's message with its numbers (region, need, capacity), sent in LOAD_FAILED. */
    char error_text[WRT_ENGINE_ERROR_TEXT_BYTES];
    uint64_t loads;
    uint64_t load_failures;
    uint64_t invokes;
    uint64_t traps;
    uint64_t exits;
    uint64_t profile_refusals;
    uint64_t signature_checks;     /* module signatures verified or refused (a key or a profile asked) */
    uint64_t signature_ns;         /* the platform's monotonic nanoseconds they took, summed */
#if WRT_CONFIG_COMPONENTS
    /* COMPONENT_INVOKE's type nodes, value slots and result bytes (native/component/wrt_component.h). */
    wrt_comp_scratch component;
#endif
#if WRT_CONFIG_COMPONENT_LINK
    /* COMPONENT_ADAPTER's adapters, the registry later uploads link them from, and a scratch per nesting level. */
    wrt_ec_adapter adapters[WRT_ENGINE_MAX_ADAPTERS];
    wrt_host_func adapter_funcs[WRT_ENGINE_MAX_ADAPTERS];
    wrt_host_registry adapter_registry;
    uint16_t nadapters;
    uint16_t adapter_depth;    /* adapters running now (nested) */
    uint32_t adapter_trap;     /* a canonical ABI trap an adapter stopped with (64 + n), behind HOST_ERROR */
    uint8_t adapter_phase;
    uint16_t entered[WRT_ENGINE_ADAPTER_DEPTH + 1u]; /* component instances inside a call now (may_enter) */
    /* may_leave: a realloc or post-return runs, so no adapter, built-in or WASI function may be
     * called (its instance's may_leave is false; see wrt_ec_adapter_call for why one flag serves). */
    bool no_leave;
    wrt_ec_scratch adapter_scratch[WRT_ENGINE_ADAPTER_DEPTH];
    wrt_ec_resource resources[WRT_ENGINE_MAX_RESOURCE_TYPES];
    uint16_t nresources;
    wrt_ec_table tables[WRT_ENGINE_MAX_HANDLE_TABLES];
    uint32_t borrows[WRT_ENGINE_ADAPTER_DEPTH + 1u]; /* borrow handles lent per adapter level, not dropped yet */
    /* A component's profile binds every core instance of the session: the SHA-256 (without custom
     * sections) each later upload must have, from the profile's component block. 0: no such profile. */
    uint8_t component_sha[WRT_ENGINE_MAX_INSTANCES][32];
    uint16_t component_instances;
    /* Capacity of each handle table: WRT_ENGINE_MAX_HANDLES, or a component profile's (smaller or equal). */
    uint32_t handles_per_table;
#endif
} wrt_interp_engine;

/*
 * Lays the runtime out in `io_arena` with `i_layout` (used for modules uploaded without a profile;
 * a profile brings its own layout, within the same arena) and returns the engine's operations (their
 * context is `o_engine`), or NULL with a static reason in *o_why. argv/envp must outlive the engine.
 */
const wrtp_engine_ops *wrt_interp_engine_start(wrt_interp_engine *o_engine, uint8_t *io_arena, size_t arena_bytes,
                                              const wrt_layout *i_layout, const wrt_interp_platform *i_platform,
                                              const char *const *i_argv, uint32_t argc, const char *const *i_envp,
                                              uint32_t envc, const char **o_why);

#endif
