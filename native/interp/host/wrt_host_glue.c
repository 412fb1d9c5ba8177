/*
 * Host-side glue of the test library (not part of the freestanding core): arena allocation, the
 * host half of the spec testsuite's `spectest` module, a small host registry with an interception
 * hook that tests use to check budgets, denial and logging, and a WASI platform for tests.
 */
#define _DEFAULT_SOURCE
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include <sys/random.h>
#include <time.h>

#include "wrt_api.h"
#include "wrt_wasi.h"

void *wrt_glue_alloc(size_t bytes);
void wrt_glue_free(void *arena, size_t bytes);
const wrt_host_registry *wrt_glue_spectest_registry(void);
const wrt_host_registry *wrt_glue_test_registry(void);
void wrt_glue_test_reset(void);
int wrt_glue_test_set_budget(const char *name, uint32_t budget);
void wrt_glue_test_deny(const char *name);
uint32_t wrt_glue_test_log_count(void);
const char *wrt_glue_test_log_name(uint32_t index);
uint64_t wrt_glue_test_log_arg(uint32_t index);
uint32_t wrt_glue_test_calls(const char *name);
const wrt_host_registry *wrt_glue_wasi_setup(const char *args, const char *env);
uint32_t wrt_glue_wasi_output(uint32_t fd, uint8_t *buf, uint32_t cap);
int64_t wrt_glue_wasi_exit_code(void);
const wrt_host_registry *wrt_glue_wasi_registry(void);

/*
 * Arenas are anonymous mappings with an inaccessible guard page on each side, the arena's last
 * byte against the upper one: an access past either end faults at once (also under ASan, whose
 * heap redzones an mmap'd arena does not have). MAP_NORESERVE and lazy zero pages make a large
 * memory region cost nothing until a module touches it.
 */
static size_t page_size(void)
{
    long p = sysconf(_SC_PAGESIZE);
    return p > 0 ? (size_t)p : 4096u;
}

static size_t arena_span(size_t bytes, size_t *o_offset)
{
    size_t page = page_size();
    size_t aligned = (bytes + 15u) & ~(size_t)15u;
    size_t rounded = (aligned + page - 1u) & ~(page - 1u);
    *o_offset = page + (rounded - aligned);
    return rounded + 2u * page;
}

void *wrt_glue_alloc(size_t bytes)
{
    size_t offset = 0;
    size_t span = arena_span(bytes, &offset);
    uint8_t *base = mmap(NULL, span, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    if (base == MAP_FAILED) return NULL;
    size_t page = page_size();
    if (mprotect(base + page, span - 2u * page, PROT_READ | PROT_WRITE) != 0) {
        munmap(base, span);
        return NULL;
    }
    return base + offset;
}

void wrt_glue_free(void *arena, size_t bytes)
{
    if (arena == NULL) return;
    size_t offset = 0;
    size_t span = arena_span(bytes, &offset);
    munmap((uint8_t *)arena - offset, span);
}

/* ---- spectest: the print functions; globals, table and memory are a wasm module (harness) ---- */

static uint32_t spectest_print(wrt_host_call *io_call)
{
    (void)io_call;
    return WRT_OK;
}

static const wrt_host_func spectest_funcs[] = {
    { "spectest_host", "print", ":", spectest_print, NULL, WRT_BUDGET_UNLIMITED, 0 },
    { "spectest_host", "print_i32", "i:", spectest_print, NULL, WRT_BUDGET_UNLIMITED, 0 },
    { "spectest_host", "print_i64", "I:", spectest_print, NULL, WRT_BUDGET_UNLIMITED, 0 },
    { "spectest_host", "print_f32", "f:", spectest_print, NULL, WRT_BUDGET_UNLIMITED, 0 },
    { "spectest_host", "print_f64", "F:", spectest_print, NULL, WRT_BUDGET_UNLIMITED, 0 },
    { "spectest_host", "print_i32_f32", "if:", spectest_print, NULL, WRT_BUDGET_UNLIMITED, 0 },
    { "spectest_host", "print_f64_f64", "FF:", spectest_print, NULL, WRT_BUDGET_UNLIMITED, 0 },
};

static const wrt_host_registry spectest_registry = {
    spectest_funcs, sizeof spectest_funcs / sizeof spectest_funcs[0], NULL, NULL, NULL,
};

const wrt_host_registry *wrt_glue_spectest_registry(void)
{
    return &spectest_registry;
}

/* ---- test registry ------------------------------------------------------------------------ */

#define LOG_CAPACITY 256u
#define TEST_FUNC_COUNT 6u

typedef struct call_log {
    const char *name;
    uint64_t arg;
} call_log;

static call_log log_entries[LOG_CAPACITY];
static uint32_t log_count;
static char denied[64];
static uint32_t calls_made[TEST_FUNC_COUNT];

static uint32_t test_add(wrt_host_call *io_call)
{
    io_call->results[0] = (uint32_t)(io_call->args[0] + io_call->args[1]);
    return WRT_OK;
}

static uint32_t test_log(wrt_host_call *io_call)
{
    (void)io_call;
    return WRT_OK;
}

static uint32_t test_fail(wrt_host_call *io_call)
{
    (void)io_call;
    return WRT_TRAP_HOST_ERROR;
}

static uint32_t test_exit(wrt_host_call *io_call)
{
    (void)io_call;
    return WRT_TRAP_EXIT;
}

/* Sum of memory bytes [ptr, ptr+len) of the caller, or a host error if out of bounds. */
static uint32_t test_mem_sum(wrt_host_call *io_call)
{
    uint64_t ptr = (uint32_t)io_call->args[0];
    uint64_t len = (uint32_t)io_call->args[1];
    if (io_call->memory == NULL || ptr + len > io_call->memory_bytes) return WRT_TRAP_HOST_ERROR;
    uint32_t sum = 0;
    for (uint64_t i = 0; i < len; i++) sum += io_call->memory[ptr + i];
    io_call->results[0] = sum;
    return WRT_OK;
}

static uint32_t test_pair(wrt_host_call *io_call)
{
    io_call->results[0] = io_call->args[0] + 1u;
    io_call->results[1] = io_call->args[0] + 2u;
    return WRT_OK;
}

static wrt_host_func test_funcs[TEST_FUNC_COUNT] = {
    { "env", "add", "ii:i", test_add, NULL, WRT_BUDGET_UNLIMITED, 0 },
    { "env", "log", "i:", test_log, NULL, WRT_BUDGET_UNLIMITED, 0 },
    { "env", "fail", ":", test_fail, NULL, WRT_BUDGET_UNLIMITED, 0 },
    { "env", "exit", "i:", test_exit, NULL, WRT_BUDGET_UNLIMITED, 0 },
    { "env", "mem_sum", "ii:i", test_mem_sum, NULL, WRT_BUDGET_UNLIMITED, 0 },
    { "env", "pair", "I:II", test_pair, NULL, WRT_BUDGET_UNLIMITED, 0 },
};

static bool test_intercept(void *ctx, const wrt_host_func *func, const uint64_t *args, uint32_t nargs)
{
    (void)ctx;
    if (log_count < LOG_CAPACITY) {
        log_entries[log_count].name = func->name;
        log_entries[log_count].arg = nargs > 0u ? args[0] : 0u;
        log_count++;
    }
    if (strcmp(func->name, denied) == 0) return false;
    for (uint32_t i = 0; i < TEST_FUNC_COUNT; i++) {
        if (&test_funcs[i] == func) calls_made[i]++;
    }
    return true;
}

static const wrt_host_registry test_registry = {
    test_funcs, TEST_FUNC_COUNT, test_intercept, NULL, NULL,
};

const wrt_host_registry *wrt_glue_test_registry(void)
{
    return &test_registry;
}

void wrt_glue_test_reset(void)
{
    log_count = 0;
    denied[0] = '\0';
    for (uint32_t i = 0; i < TEST_FUNC_COUNT; i++) {
        test_funcs[i].budget = WRT_BUDGET_UNLIMITED;
        calls_made[i] = 0;
    }
}

int wrt_glue_test_set_budget(const char *name, uint32_t budget)
{
    for (uint32_t i = 0; i < TEST_FUNC_COUNT; i++) {
        if (strcmp(test_funcs[i].name, name) == 0) {
            test_funcs[i].budget = budget;
            return 1;
        }
    }
    return 0;
}

void wrt_glue_test_deny(const char *name)
{
    size_t n = strlen(name);
    if (n >= sizeof denied) n = sizeof denied - 1u;
    memcpy(denied, name, n);
    denied[n] = '\0';
}

uint32_t wrt_glue_test_log_count(void)
{
    return log_count;
}

const char *wrt_glue_test_log_name(uint32_t index)
{
    return index < log_count ? log_entries[index].name : "";
}

uint64_t wrt_glue_test_log_arg(uint32_t index)
{
    return index < log_count ? log_entries[index].arg : 0u;
}

uint32_t wrt_glue_test_calls(const char *name)
{
    for (uint32_t i = 0; i < TEST_FUNC_COUNT; i++) {
        if (strcmp(test_funcs[i].name, name) == 0) return calls_made[i];
    }
    return 0;
}

/* ---- WASI for tests: output captured in buffers, POSIX clock and getrandom ------------------- */

#define WASI_MAX_STRINGS 64u
#define WASI_STRING_BYTES 4096u
#define WASI_OUTPUT_BYTES 65536u

static wrt_wasi wasi;
static char wasi_strings[2][WASI_STRING_BYTES];
static const char *wasi_lists[2][WASI_MAX_STRINGS];
static uint8_t wasi_out[2][WASI_OUTPUT_BYTES];
static uint32_t wasi_out_len[2];

static int32_t wasi_write(void *ctx, uint32_t fd, const uint8_t *bytes, uint32_t len)
{
    (void)ctx;
    uint32_t which = fd == 2u ? 1u : 0u;
    uint32_t room = WASI_OUTPUT_BYTES - wasi_out_len[which];
    uint32_t n = len < room ? len : room;
    memcpy(wasi_out[which] + wasi_out_len[which], bytes, n);
    wasi_out_len[which] += n;
    return (int32_t)len;
}

static bool wasi_clock(void *ctx, uint32_t id, uint64_t *o_ns)
{
    (void)ctx;
    struct timespec ts;
    if (clock_gettime(id == 0u ? CLOCK_REALTIME : CLOCK_MONOTONIC, &ts) != 0) return false;
    *o_ns = (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
    return true;
}

static bool wasi_random(void *ctx, uint8_t *o_buf, uint32_t len)
{
    (void)ctx;
    uint32_t done = 0;
    while (done < len) {
        ssize_t n = getrandom(o_buf + done, len - done, 0);
        if (n <= 0) return false;
        done += (uint32_t)n;
    }
    return true;
}

/* Splits a '\n'-separated list into the static storage; returns the count. */
static uint32_t split_list(uint32_t which, const char *text)
{
    size_t n = text != NULL ? strlen(text) : 0u;
    if (n >= WASI_STRING_BYTES) n = WASI_STRING_BYTES - 1u;
    memcpy(wasi_strings[which], text != NULL ? text : "", n);
    wasi_strings[which][n] = '\0';
    if (n == 0u) return 0;
    uint32_t count = 0;
    char *start = wasi_strings[which];
    for (size_t i = 0; i <= n && count < WASI_MAX_STRINGS; i++) {
        if (wasi_strings[which][i] == '\n' || wasi_strings[which][i] == '\0') {
            wasi_strings[which][i] = '\0';
            wasi_lists[which][count++] = start;
            start = &wasi_strings[which][i + 1u];
        }
    }
    return count;
}

const wrt_host_registry *wrt_glue_wasi_setup(const char *args, const char *env)
{
    static const wrt_wasi_platform platform = { NULL, wasi_write, wasi_clock, wasi_random };
    uint32_t argc = split_list(0, args);
    uint32_t envc = split_list(1, env);
    wasi_out_len[0] = 0;
    wasi_out_len[1] = 0;
    wrt_wasi_init(&wasi, &platform, wasi_lists[0], argc, wasi_lists[1], envc);
    return wrt_wasi_registry(&wasi);
}

uint32_t wrt_glue_wasi_output(uint32_t fd, uint8_t *buf, uint32_t cap)
{
    uint32_t which = fd == 2u ? 1u : 0u;
    uint32_t n = wasi_out_len[which] < cap ? wasi_out_len[which] : cap;
    if (buf != NULL) memcpy(buf, wasi_out[which], n);
    return wasi_out_len[which];
}

int64_t wrt_glue_wasi_exit_code(void)
{
    return wasi.exited ? (int64_t)wasi.exit_code : -1;
}

const wrt_host_registry *wrt_glue_wasi_registry(void)
{
    return &wasi.registry;
}
