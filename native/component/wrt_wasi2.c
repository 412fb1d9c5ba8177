/*
 * WASI 0.2 host functions (wrt_wasi2.h). Each handler checks its handles on the caller's table
 * before anything else (the canonical ABI lifts `self` first), reads guest bytes only after a
 * bounds check, and writes every result that lives in memory with wrt_cabi_store, so alignment,
 * bounds and the guest's realloc are the canonical ABI's own.
 */
#include "wrt_wasi2.h"

/* ---- names ------------------------------------------------------------------------------------ */

enum {
    IF_ENVIRONMENT, IF_EXIT, IF_STDIN, IF_STDOUT, IF_STDERR, IF_TERM_STDIN, IF_TERM_STDOUT, IF_TERM_STDERR,
    IF_MONOTONIC, IF_WALL, IF_RANDOM, IF_INSECURE, IF_POLL, IF_STREAMS, IF_PREOPENS, IF_FS_TYPES, IF_ERROR,
    IF_COUNT
};

static const char *const wrt_w2_ifaces[IF_COUNT] = {
    "wasi:cli/environment", "wasi:cli/exit", "wasi:cli/stdin", "wasi:cli/stdout", "wasi:cli/stderr",
    "wasi:cli/terminal-stdin", "wasi:cli/terminal-stdout", "wasi:cli/terminal-stderr",
    "wasi:clocks/monotonic-clock", "wasi:clocks/wall-clock", "wasi:random/random", "wasi:random/insecure",
    "wasi:io/poll", "wasi:io/streams", "wasi:filesystem/preopens", "wasi:filesystem/types", "wasi:io/error",
};

#define WRT_W2_MAX_NAME 64u

/* ---- helpers ---------------------------------------------------------------------------------- */

static int wrt_w2_rep(const wrt_wasi2_call *c, uint64_t index, uint16_t rt, uint32_t *o_rep) {
    if (c->table == NULL || index > 0xFFFFFFFFu) return WRT_CABI_TRAP_HANDLE;
    return wrt_handles_rep(c->table, (uint32_t)index, rt, o_rep) == WRT_HANDLE_OK ? WRT_CABI_OK : WRT_CABI_TRAP_HANDLE;
}

/* lower_own of a new host resource: its index is the flat result. */
static int wrt_w2_new(wrt_wasi2_call *c, uint16_t rt, uint32_t rep) {
    uint32_t index = 0;
    if (c->table == NULL || wrt_handles_new_own(c->table, rt, rep, &index) != WRT_HANDLE_OK) return WRT_CABI_TRAP_HANDLE;
    c->result = index;
    return WRT_CABI_OK;
}

/* store of one value of the encoded type at the guest's return pointer. */
static int wrt_w2_store(wrt_wasi2_call *c, const uint8_t *type, uint32_t type_len, uint32_t nvals, uint64_t ptr) {
    uint32_t count = 0, used = 0;
    if (ptr > 0xFFFFFFFFu) return WRT_CABI_TRAP_OUT_OF_BOUNDS;
    int rc = wrt_cabi_parse_type(type, type_len, c->nodes, c->node_cap, &count, &used);
    if (rc != WRT_CABI_OK) return rc;
    return wrt_cabi_store(c->cx, c->nodes, c->vals, nvals, (uint32_t)ptr);
}

static void wrt_w2_val(wrt_wasi2_call *c, uint32_t i, uint64_t u, uint32_t n, uint32_t aux) {
    c->vals[i].u = u;
    c->vals[i].n = n;
    c->vals[i].aux = aux;
}

/* One value slot (a case without payload, an empty list, a scalar): the most common result. */
static int wrt_w2_store1(wrt_wasi2_call *c, const uint8_t *type, uint32_t type_len, uint64_t u, uint32_t n, uint64_t ptr) {
    if (c->val_cap < 2u) return WRT_CABI_ERR_CAPACITY;
    wrt_w2_val(c, 0, u, n, 0);
    return wrt_w2_store(c, type, type_len, 1, ptr);
}

/* ---- result types (docs/component.md's type encoding) ------------------------------------------ */

static const uint8_t T_OPTION_OWN[] = {0x15, 0x18, 0x00};
static const uint8_t T_OPTION_STRING[] = {0x15, 0x0c};
static const uint8_t T_LIST_STRING[] = {0x10, 0x0c};
static const uint8_t T_LIST_PAIR[] = {0x10, 0x12, 0x02, 0x0c, 0x0c};
static const uint8_t T_LIST_DIRS[] = {0x10, 0x12, 0x02, 0x18, 0x00, 0x0c};
static const uint8_t T_DATETIME[] = {0x11, 0x02, 0x08, 0x06};
static const uint8_t T_PTR_LEN[] = {0x12, 0x02, 0x06, 0x06};
static const uint8_t T_LIST_U32[] = {0x10, 0x06};
/* result<_, stream-error>, result<u64, stream-error>, result<list<u8>, stream-error>;
 * stream-error = variant { last-operation-failed(own<error>), closed }. */
static const uint8_t T_RESULT_UNIT[] = {0x16, 0x1f, 0x13, 0x02, 0x18, 0x00, 0x1f};
static const uint8_t T_RESULT_U64[] = {0x16, 0x08, 0x13, 0x02, 0x18, 0x00, 0x1f};
static const uint8_t T_RESULT_BYTES[] = {0x16, 0x10, 0x02, 0x13, 0x02, 0x18, 0x00, 0x1f};

#define TYPE(t) (t), (uint32_t)sizeof(t)

/* What check-write allows at once: the device's output frames are small, any size is written whole. */
#define WRT_W2_WRITE_BUDGET 4096u

/* ---- wasi:cli ----------------------------------------------------------------------------------- */

static int w2_get_stdin(wrt_wasi2_call *c, const uint64_t *a) {
    (void)a;
    return wrt_w2_new(c, WRT_WASI2_RT_INPUT_STREAM, 0);
}

static int w2_get_stdout(wrt_wasi2_call *c, const uint64_t *a) {
    (void)a;
    return wrt_w2_new(c, WRT_WASI2_RT_OUTPUT_STREAM, 1);
}

static int w2_get_stderr(wrt_wasi2_call *c, const uint64_t *a) {
    (void)a;
    return wrt_w2_new(c, WRT_WASI2_RT_OUTPUT_STREAM, 2);
}

/* get-terminal-*: none (the device has no terminal). */
static int w2_no_terminal(wrt_wasi2_call *c, const uint64_t *a) {
    return wrt_w2_store1(c, TYPE(T_OPTION_OWN), 0, 0, a[0]);
}

static int w2_initial_cwd(wrt_wasi2_call *c, const uint64_t *a) {
    return wrt_w2_store1(c, TYPE(T_OPTION_STRING), 0, 0, a[0]);
}

/* Lowers `nvals` slots whose strings are in `pool` (host bytes, not guest memory). */
static int wrt_w2_store_pooled(wrt_wasi2_call *c, const uint8_t *type, uint32_t type_len, uint32_t nvals, const uint8_t *pool,
                               uint32_t pool_len, uint64_t ptr) {
    const uint8_t *old_pool = c->cx->pool;
    uint32_t old_len = c->cx->pool_len;
    c->cx->pool = pool;
    c->cx->pool_len = pool_len;
    int rc = wrt_w2_store(c, type, type_len, nvals, ptr);
    c->cx->pool = old_pool;
    c->cx->pool_len = old_len;
    return rc;
}

/* Copies `s` up to its NUL or `stop` into the pool at *io_used: a string slot for it; false when full. */
static bool wrt_w2_pool_string(wrt_wasi2_call *c, uint32_t slot, const char *s, char stop, uint8_t *pool, uint32_t cap,
                               uint32_t *io_used, uint32_t *o_taken) {
    uint32_t start = *io_used;
    uint32_t k = 0;
    for (; s != NULL && s[k] != '\0' && s[k] != stop; k++) {
        if (*io_used >= cap) return false;
        pool[(*io_used)++] = (uint8_t)s[k];
    }
    wrt_w2_val(c, slot, start, *io_used - start, WRT_CABI_UTF8);
    *o_taken = k;
    return true;
}

/* get-environment: the engine's environment ("NAME=value" strings, ARGS §4b) as list<tuple<string, string>>. */
static int w2_get_environment(wrt_wasi2_call *c, const uint64_t *a) {
    uint8_t pool[WRT_WASI2_POOL_BYTES];
    uint32_t used = 0, taken = 0;
    if (3u * (uint64_t)c->envc + 1u > c->val_cap) return WRT_CABI_ERR_CAPACITY;
    wrt_w2_val(c, 0, 0, c->envc, 0);
    for (uint32_t i = 0; i < c->envc; i++) {
        const char *entry = c->envp[i];
        wrt_w2_val(c, 1u + 3u * i, 0, 0, 0);
        if (!wrt_w2_pool_string(c, 2u + 3u * i, entry, '=', pool, sizeof pool, &used, &taken)) return WRT_CABI_ERR_CAPACITY;
        const char *value = entry != NULL && entry[taken] == '=' ? entry + taken + 1 : NULL;
        if (!wrt_w2_pool_string(c, 3u + 3u * i, value, '\0', pool, sizeof pool, &used, &taken)) return WRT_CABI_ERR_CAPACITY;
    }
    return wrt_w2_store_pooled(c, TYPE(T_LIST_PAIR), 3u * c->envc + 1u, pool, used, a[0]);
}

static int w2_get_directories(wrt_wasi2_call *c, const uint64_t *a) {
    return wrt_w2_store1(c, TYPE(T_LIST_DIRS), 0, 0, a[0]);
}

/* get-arguments: argv copied into one pool, lowered as list<string> (through the guest's realloc). */
static int w2_get_arguments(wrt_wasi2_call *c, const uint64_t *a) {
    uint8_t pool[WRT_WASI2_POOL_BYTES];
    uint32_t used = 0, taken = 0;
    if ((uint64_t)c->argc + 1u > c->val_cap) return WRT_CABI_ERR_CAPACITY;
    wrt_w2_val(c, 0, 0, c->argc, 0);
    for (uint32_t i = 0; i < c->argc; i++) {
        if (!wrt_w2_pool_string(c, i + 1u, c->argv[i], '\0', pool, sizeof pool, &used, &taken)) return WRT_CABI_ERR_CAPACITY;
    }
    return wrt_w2_store_pooled(c, TYPE(T_LIST_STRING), c->argc + 1u, pool, used, a[0]);
}

/* exit(status: result): ok is 0, err 1, as wasmtime and jco map it. */
static int w2_exit(wrt_wasi2_call *c, const uint64_t *a) {
    if (a[0] > 1u) return WRT_CABI_TRAP_BAD_DISCRIMINANT;
    c->exit_code = (uint32_t)a[0];
    return WRT_WASI2_EXIT;
}

static int w2_exit_with_code(wrt_wasi2_call *c, const uint64_t *a) {
    c->exit_code = (uint32_t)(a[0] & 0xFFu);
    return WRT_WASI2_EXIT;
}

/* ---- wasi:clocks -------------------------------------------------------------------------------- */

static uint64_t wrt_w2_clock(const wrt_wasi2_call *c, uint32_t id) {
    uint64_t ns = 0;
    if (c->platform == NULL || c->platform->clock == NULL || !c->platform->clock(c->platform->ctx, id, &ns)) return 0;
    return ns;
}

static int w2_mono_now(wrt_wasi2_call *c, const uint64_t *a) {
    (void)a;
    c->result = wrt_w2_clock(c, 1);
    return WRT_CABI_OK;
}

static int w2_mono_resolution(wrt_wasi2_call *c, const uint64_t *a) {
    (void)a;
    c->result = 1;
    return WRT_CABI_OK;
}

/* subscribe-instant / -duration: a pollable that is ready at once (the device does not sleep). */
static int w2_subscribe(wrt_wasi2_call *c, const uint64_t *a) {
    (void)a;
    return wrt_w2_new(c, WRT_WASI2_RT_POLLABLE, 0);
}

static int wrt_w2_datetime(wrt_wasi2_call *c, uint64_t ns, uint64_t ptr) {
    if (c->val_cap < 3u) return WRT_CABI_ERR_CAPACITY;
    wrt_w2_val(c, 0, 0, 0, 0);
    wrt_w2_val(c, 1, ns / 1000000000u, 0, 0);
    wrt_w2_val(c, 2, ns % 1000000000u, 0, 0);
    return wrt_w2_store(c, TYPE(T_DATETIME), 3, ptr);
}

static int w2_wall_now(wrt_wasi2_call *c, const uint64_t *a) {
    return wrt_w2_datetime(c, wrt_w2_clock(c, 0), a[0]);
}

static int w2_wall_resolution(wrt_wasi2_call *c, const uint64_t *a) {
    return wrt_w2_datetime(c, 1, a[0]);
}

/* ---- wasi:random -------------------------------------------------------------------------------- */

static bool wrt_w2_fill(const wrt_wasi2_call *c, uint8_t *o_buf, uint32_t len) {
    return c->platform != NULL && c->platform->random != NULL && c->platform->random(c->platform->ctx, o_buf, len);
}

/* get-random-bytes(len) -> list<u8>: realloc(0, 0, 1, len) as the canonical ABI's store_list does, then filled. */
static int w2_random_bytes(wrt_wasi2_call *c, const uint64_t *a) {
    uint64_t len = a[0];
    if (len > WRT_WASI2_MAX_RANDOM) return WRT_CABI_TRAP_LIMIT;
    if (c->cx->host.realloc == NULL || c->val_cap < 3u) return WRT_CABI_TRAP_REALLOC;
    uint32_t ptr = 0;
    int rc = c->cx->host.realloc(c->cx->host.ctx, 0, 0, 1, (uint32_t)len, &ptr);
    if (rc != WRT_CABI_OK) return rc;
    if ((uint64_t)ptr + len > c->cx->mem_len) return WRT_CABI_TRAP_OUT_OF_BOUNDS;
    if (len > 0u && !wrt_w2_fill(c, c->cx->mem + ptr, (uint32_t)len)) return WRT_CABI_ERR_VALUE;
    wrt_w2_val(c, 0, 0, 0, 0);
    wrt_w2_val(c, 1, ptr, 0, 0);
    wrt_w2_val(c, 2, len, 0, 0);
    return wrt_w2_store(c, TYPE(T_PTR_LEN), 3, a[1]);
}

static int w2_random_u64(wrt_wasi2_call *c, const uint64_t *a) {
    (void)a;
    uint8_t b[8];
    if (!wrt_w2_fill(c, b, sizeof b)) return WRT_CABI_ERR_VALUE;
    uint64_t v = 0;
    for (uint32_t i = 0; i < 8u; i++) v |= (uint64_t)b[i] << (8u * i);
    c->result = v;
    return WRT_CABI_OK;
}

/* ---- wasi:io ------------------------------------------------------------------------------------ */

/* poll(list<borrow<pollable>>) -> list<u32>: every pollable is ready, so every index is returned. */
static int w2_poll(wrt_wasi2_call *c, const uint64_t *a) {
    uint64_t ptr = a[0], n = a[1];
    if (ptr % 4u != 0u) return WRT_CABI_TRAP_MISALIGNED;
    if (ptr + 4u * n > c->cx->mem_len) return WRT_CABI_TRAP_OUT_OF_BOUNDS;
    if (n + 1u > c->val_cap) return WRT_CABI_ERR_CAPACITY;
    wrt_w2_val(c, 0, 0, (uint32_t)n, 0);
    for (uint32_t i = 0; i < (uint32_t)n; i++) {
        const uint8_t *p = c->cx->mem + ptr + 4u * i;
        uint32_t index = (uint32_t)p[0] | ((uint32_t)p[1] << 8) | ((uint32_t)p[2] << 16) | ((uint32_t)p[3] << 24);
        uint32_t rep = 0;
        int rc = wrt_w2_rep(c, index, WRT_WASI2_RT_POLLABLE, &rep);
        if (rc != WRT_CABI_OK) return rc;
        wrt_w2_val(c, i + 1u, i, 0, 0);
    }
    return wrt_w2_store(c, TYPE(T_LIST_U32), (uint32_t)n + 1u, a[2]);
}

static int w2_pollable_ready(wrt_wasi2_call *c, const uint64_t *a) {
    uint32_t rep = 0;
    int rc = wrt_w2_rep(c, a[0], WRT_WASI2_RT_POLLABLE, &rep);
    c->result = 1;
    return rc;
}

static int w2_pollable_block(wrt_wasi2_call *c, const uint64_t *a) {
    uint32_t rep = 0;
    return wrt_w2_rep(c, a[0], WRT_WASI2_RT_POLLABLE, &rep);
}

static int w2_check_write(wrt_wasi2_call *c, const uint64_t *a) {
    uint32_t fd = 0;
    int rc = wrt_w2_rep(c, a[0], WRT_WASI2_RT_OUTPUT_STREAM, &fd);
    if (rc != WRT_CABI_OK) return rc;
    if (c->val_cap < 2u) return WRT_CABI_ERR_CAPACITY;
    wrt_w2_val(c, 0, 0, 0, 0);
    wrt_w2_val(c, 1, WRT_W2_WRITE_BUDGET, 0, 0);
    return wrt_w2_store(c, TYPE(T_RESULT_U64), 2, a[1]);
}

/* write / blocking-write-and-flush(self, contents: list<u8>): the bytes go to the platform whole. */
static int w2_write(wrt_wasi2_call *c, const uint64_t *a) {
    uint32_t fd = 0;
    int rc = wrt_w2_rep(c, a[0], WRT_WASI2_RT_OUTPUT_STREAM, &fd);
    if (rc != WRT_CABI_OK) return rc;
    uint64_t ptr = a[1], len = a[2];
    if (ptr + len > c->cx->mem_len) return WRT_CABI_TRAP_OUT_OF_BOUNDS;
    if (len > 0u && c->platform != NULL && c->platform->write != NULL) {
        (void)c->platform->write(c->platform->ctx, fd, c->cx->mem + ptr, (uint32_t)len);
    }
    return wrt_w2_store1(c, TYPE(T_RESULT_UNIT), 0, 0, a[3]);
}

static int w2_flush(wrt_wasi2_call *c, const uint64_t *a) {
    uint32_t fd = 0;
    int rc = wrt_w2_rep(c, a[0], WRT_WASI2_RT_OUTPUT_STREAM, &fd);
    if (rc != WRT_CABI_OK) return rc;
    return wrt_w2_store1(c, TYPE(T_RESULT_UNIT), 0, 0, a[1]);
}

static int w2_output_subscribe(wrt_wasi2_call *c, const uint64_t *a) {
    uint32_t fd = 0;
    int rc = wrt_w2_rep(c, a[0], WRT_WASI2_RT_OUTPUT_STREAM, &fd);
    return rc != WRT_CABI_OK ? rc : wrt_w2_new(c, WRT_WASI2_RT_POLLABLE, 0);
}

/* read / blocking-read on stdin: the stream is empty, so closed (end of stream). */
static int w2_read(wrt_wasi2_call *c, const uint64_t *a) {
    uint32_t rep = 0;
    int rc = wrt_w2_rep(c, a[0], WRT_WASI2_RT_INPUT_STREAM, &rep);
    if (rc != WRT_CABI_OK) return rc;
    if (c->val_cap < 2u) return WRT_CABI_ERR_CAPACITY;
    wrt_w2_val(c, 0, 1, 0, 0);
    wrt_w2_val(c, 1, 1, 0, 0);
    return wrt_w2_store(c, TYPE(T_RESULT_BYTES), 2, a[2]);
}

static int w2_input_subscribe(wrt_wasi2_call *c, const uint64_t *a) {
    uint32_t rep = 0;
    int rc = wrt_w2_rep(c, a[0], WRT_WASI2_RT_INPUT_STREAM, &rep);
    return rc != WRT_CABI_OK ? rc : wrt_w2_new(c, WRT_WASI2_RT_POLLABLE, 0);
}

/* A method of a resource the device never creates (descriptor, directory-entry-stream, error): its
 * `self` cannot be a live handle of that type, so lifting it traps as the canonical ABI says. */
static int w2_never(wrt_wasi2_call *c, const uint64_t *a) {
    uint32_t rep = 0;
    (void)wrt_w2_rep(c, a[0], WRT_WASI2_RT_NEVER, &rep);
    return WRT_CABI_TRAP_HANDLE;
}

/* ---- the table ---------------------------------------------------------------------------------- */

typedef int (*wrt_w2_fn)(wrt_wasi2_call *c, const uint64_t *a);

typedef struct wrt_w2_entry {
    uint8_t iface;
    uint8_t nargs;        /* flat arguments the handler reads */
    const char *name;     /* ending in '.': every method of that resource */
    const char *sig;      /* NULL: any signature whose first parameter is i32 */
    wrt_w2_fn fn;
} wrt_w2_entry;

static const wrt_w2_entry wrt_w2_table[] = {
    {IF_ENVIRONMENT, 1, "get-arguments", "i:", w2_get_arguments},
    {IF_ENVIRONMENT, 1, "get-environment", "i:", w2_get_environment},
    {IF_ENVIRONMENT, 1, "initial-cwd", "i:", w2_initial_cwd},
    {IF_EXIT, 1, "exit", "i:", w2_exit},
    {IF_EXIT, 1, "exit-with-code", "i:", w2_exit_with_code},
    {IF_STDIN, 0, "get-stdin", ":i", w2_get_stdin},
    {IF_STDOUT, 0, "get-stdout", ":i", w2_get_stdout},
    {IF_STDERR, 0, "get-stderr", ":i", w2_get_stderr},
    {IF_TERM_STDIN, 1, "get-terminal-stdin", "i:", w2_no_terminal},
    {IF_TERM_STDOUT, 1, "get-terminal-stdout", "i:", w2_no_terminal},
    {IF_TERM_STDERR, 1, "get-terminal-stderr", "i:", w2_no_terminal},
    {IF_MONOTONIC, 0, "now", ":I", w2_mono_now},
    {IF_MONOTONIC, 0, "resolution", ":I", w2_mono_resolution},
    {IF_MONOTONIC, 1, "subscribe-instant", "I:i", w2_subscribe},
    {IF_MONOTONIC, 1, "subscribe-duration", "I:i", w2_subscribe},
    {IF_WALL, 1, "now", "i:", w2_wall_now},
    {IF_WALL, 1, "resolution", "i:", w2_wall_resolution},
    {IF_RANDOM, 2, "get-random-bytes", "Ii:", w2_random_bytes},
    {IF_RANDOM, 0, "get-random-u64", ":I", w2_random_u64},
    {IF_INSECURE, 2, "get-insecure-random-bytes", "Ii:", w2_random_bytes},
    {IF_INSECURE, 0, "get-insecure-random-u64", ":I", w2_random_u64},
    {IF_POLL, 3, "poll", "iii:", w2_poll},
    {IF_POLL, 1, "[method]pollable.ready", "i:i", w2_pollable_ready},
    {IF_POLL, 1, "[method]pollable.block", "i:", w2_pollable_block},
    {IF_STREAMS, 2, "[method]output-stream.check-write", "ii:", w2_check_write},
    {IF_STREAMS, 4, "[method]output-stream.write", "iiii:", w2_write},
    {IF_STREAMS, 4, "[method]output-stream.blocking-write-and-flush", "iiii:", w2_write},
    {IF_STREAMS, 2, "[method]output-stream.flush", "ii:", w2_flush},
    {IF_STREAMS, 2, "[method]output-stream.blocking-flush", "ii:", w2_flush},
    {IF_STREAMS, 1, "[method]output-stream.subscribe", "i:i", w2_output_subscribe},
    {IF_STREAMS, 3, "[method]input-stream.read", "iIi:", w2_read},
    {IF_STREAMS, 3, "[method]input-stream.blocking-read", "iIi:", w2_read},
    {IF_STREAMS, 1, "[method]input-stream.subscribe", "i:i", w2_input_subscribe},
    {IF_PREOPENS, 1, "get-directories", "i:", w2_get_directories},
    {IF_FS_TYPES, 1, "[method]descriptor.", NULL, w2_never},
    {IF_FS_TYPES, 1, "[method]directory-entry-stream.", NULL, w2_never},
    {IF_FS_TYPES, 1, "filesystem-error-code", "ii:", w2_never},
    {IF_ERROR, 1, "[method]error.", NULL, w2_never},
};

#define WRT_W2_COUNT ((uint16_t)(sizeof wrt_w2_table / sizeof wrt_w2_table[0]))

/* `iface` is `<known interface>@0.2.<digits>`: the interface's index, or IF_COUNT. */
static uint32_t wrt_w2_iface(const uint8_t *iface, uint32_t len) {
    for (uint32_t i = 0; i < IF_COUNT; i++) {
        const char *want = wrt_w2_ifaces[i];
        uint32_t k = 0;
        while (k < len && k < WRT_W2_MAX_NAME && want[k] != '\0' && (uint8_t)want[k] == iface[k]) k++;
        if (want[k] != '\0') continue;
        static const char version[] = "@0.2.";
        uint32_t v = 0;
        while (v < 5u && k + v < len && (uint8_t)version[v] == iface[k + v]) v++;
        if (v != 5u || k + v >= len) continue;
        bool digits = true;
        for (uint32_t d = k + v; d < len; d++) digits = digits && iface[d] >= '0' && iface[d] <= '9';
        if (digits) return i;
    }
    return IF_COUNT;
}

uint16_t wrt_wasi2_lookup(const uint8_t *iface, uint32_t iface_len, const uint8_t *name, uint32_t name_len) {
    uint32_t which = wrt_w2_iface(iface, iface_len);
    if (which == IF_COUNT || name_len > WRT_W2_MAX_NAME) return WRT_WASI2_NONE;
    for (uint16_t e = 0; e < WRT_W2_COUNT; e++) {
        const wrt_w2_entry *x = &wrt_w2_table[e];
        if (x->iface != which) continue;
        uint32_t k = 0;
        while (k < name_len && x->name[k] != '\0' && (uint8_t)x->name[k] == name[k]) k++;
        bool prefix = k > 0u && x->name[k] == '\0' && x->name[k - 1u] == '.';
        if ((x->name[k] == '\0' && k == name_len) || (prefix && k < name_len)) return e;
    }
    return WRT_WASI2_NONE;
}

const char *wrt_wasi2_signature(uint16_t id) {
    return id < WRT_W2_COUNT ? wrt_w2_table[id].sig : NULL;
}

int wrt_wasi2_invoke(uint16_t id, wrt_wasi2_call *io_call, const uint64_t *i_args, uint32_t nargs) {
    if (id >= WRT_W2_COUNT || nargs < wrt_w2_table[id].nargs) return WRT_CABI_ERR_VALUE;
    io_call->result = 0;
    return wrt_w2_table[id].fn(io_call, i_args);
}
