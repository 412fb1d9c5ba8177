/*
 * WASI preview1 subset (see wrt_wasi.h). Every guest pointer is checked against the caller's
 * memory before use; a bad one is EFAULT, never an access outside the memory.
 */
#include "wrt_wasi.h"

#include "wrt_internal.h"

#define FILETYPE_CHARACTER_DEVICE 2u
#define RIGHT_FD_READ ((uint64_t)1 << 1)
#define RIGHT_FD_WRITE ((uint64_t)1 << 6)
#define MAX_STRING 65536u

static bool in_memory(const wrt_host_call *i_call, uint64_t ptr, uint64_t len)
{
    return i_call->memory != NULL && ptr + len <= i_call->memory_bytes;
}

static void put32(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)v;
    p[1] = (uint8_t)(v >> 8);
    p[2] = (uint8_t)(v >> 16);
    p[3] = (uint8_t)(v >> 24);
}

static void put64(uint8_t *p, uint64_t v)
{
    put32(p, (uint32_t)v);
    put32(p + 4, (uint32_t)(v >> 32));
}

static uint32_t get32(const uint8_t *p)
{
    return (uint32_t)p[0] | ((uint32_t)p[1] << 8) | ((uint32_t)p[2] << 16) | ((uint32_t)p[3] << 24);
}

static uint32_t ret(wrt_host_call *io_call, uint32_t errno_value)
{
    io_call->results[0] = errno_value;
    return WRT_OK;
}

static uint32_t arg32(const wrt_host_call *i_call, uint32_t i)
{
    return (uint32_t)i_call->args[i];
}

/* Sizes of a string list: count and bytes including each NUL. */
static void list_sizes(const char *const *i_list, uint32_t count, uint32_t *o_bytes)
{
    uint64_t bytes = 0;
    for (uint32_t i = 0; i < count; i++) bytes += wrt_strlen(i_list[i], MAX_STRING) + 1u;
    *o_bytes = bytes > UINT32_MAX ? UINT32_MAX : (uint32_t)bytes;
}

static uint32_t sizes_get(wrt_host_call *io_call, const char *const *i_list, uint32_t count)
{
    uint32_t count_ptr = arg32(io_call, 0);
    uint32_t size_ptr = arg32(io_call, 1);
    if (!in_memory(io_call, count_ptr, 4) || !in_memory(io_call, size_ptr, 4)) return ret(io_call, WRT_WASI_EFAULT);
    uint32_t bytes = 0;
    list_sizes(i_list, count, &bytes);
    put32(io_call->memory + count_ptr, count);
    put32(io_call->memory + size_ptr, bytes);
    return ret(io_call, WRT_WASI_ESUCCESS);
}

/* Writes the pointer array at `ptrs` and the NUL-terminated strings at `buf`. */
static uint32_t list_get(wrt_host_call *io_call, const char *const *i_list, uint32_t count)
{
    uint64_t ptrs = arg32(io_call, 0);
    uint64_t buf = arg32(io_call, 1);
    uint32_t bytes = 0;
    list_sizes(i_list, count, &bytes);
    if (!in_memory(io_call, ptrs, (uint64_t)count * 4u) || !in_memory(io_call, buf, bytes)) {
        return ret(io_call, WRT_WASI_EFAULT);
    }
    uint64_t at = buf;
    for (uint32_t i = 0; i < count; i++) {
        size_t len = wrt_strlen(i_list[i], MAX_STRING);
        put32(io_call->memory + ptrs + 4u * i, (uint32_t)at);
        wrt_copy(io_call->memory + at, i_list[i], len);
        io_call->memory[at + len] = 0;
        at += len + 1u;
    }
    return ret(io_call, WRT_WASI_ESUCCESS);
}

static uint32_t wasi_args_sizes_get(wrt_host_call *io_call)
{
    const wrt_wasi *w = (const wrt_wasi *)io_call->ctx;
    return sizes_get(io_call, w->argv, w->argc);
}

static uint32_t wasi_args_get(wrt_host_call *io_call)
{
    const wrt_wasi *w = (const wrt_wasi *)io_call->ctx;
    return list_get(io_call, w->argv, w->argc);
}

static uint32_t wasi_environ_sizes_get(wrt_host_call *io_call)
{
    const wrt_wasi *w = (const wrt_wasi *)io_call->ctx;
    return sizes_get(io_call, w->envp, w->envc);
}

static uint32_t wasi_environ_get(wrt_host_call *io_call)
{
    const wrt_wasi *w = (const wrt_wasi *)io_call->ctx;
    return list_get(io_call, w->envp, w->envc);
}

static uint32_t wasi_fd_write(wrt_host_call *io_call)
{
    const wrt_wasi *w = (const wrt_wasi *)io_call->ctx;
    uint32_t fd = arg32(io_call, 0);
    uint64_t iovs = arg32(io_call, 1);
    uint32_t iovs_len = arg32(io_call, 2);
    uint64_t nwritten_ptr = arg32(io_call, 3);
    if (fd != 1u && fd != 2u) return ret(io_call, WRT_WASI_EBADF);
    if (!in_memory(io_call, iovs, (uint64_t)iovs_len * 8u) || !in_memory(io_call, nwritten_ptr, 4)) {
        return ret(io_call, WRT_WASI_EFAULT);
    }
    uint64_t total = 0;
    for (uint32_t i = 0; i < iovs_len; i++) {
        uint64_t ptr = get32(io_call->memory + iovs + 8u * i);
        uint32_t len = get32(io_call->memory + iovs + 8u * i + 4u);
        if (!in_memory(io_call, ptr, len)) return ret(io_call, WRT_WASI_EFAULT);
        if (len == 0u) continue;
        if (w->platform.write != NULL) {
            int32_t n = w->platform.write(w->platform.ctx, fd, io_call->memory + ptr, len);
            if (n < 0) return ret(io_call, (uint32_t)-n);
            total += (uint32_t)n;
            if ((uint32_t)n < len) break;
        } else {
            total += len;
        }
    }
    put32(io_call->memory + nwritten_ptr, total > UINT32_MAX ? UINT32_MAX : (uint32_t)total);
    return ret(io_call, WRT_WASI_ESUCCESS);
}

static uint32_t wasi_fd_fdstat_get(wrt_host_call *io_call)
{
    uint32_t fd = arg32(io_call, 0);
    uint64_t stat = arg32(io_call, 1);
    if (fd > 2u) return ret(io_call, WRT_WASI_EBADF);
    if (!in_memory(io_call, stat, 24)) return ret(io_call, WRT_WASI_EFAULT);
    uint8_t *p = io_call->memory + stat;
    wrt_fill(p, 0, 24);
    p[0] = FILETYPE_CHARACTER_DEVICE;
    put64(p + 8, fd == 0u ? RIGHT_FD_READ : RIGHT_FD_WRITE);
    return ret(io_call, WRT_WASI_ESUCCESS);
}

static uint32_t wasi_fd_close(wrt_host_call *io_call)
{
    return ret(io_call, arg32(io_call, 0) <= 2u ? WRT_WASI_ESUCCESS : WRT_WASI_EBADF);
}

static uint32_t wasi_fd_seek(wrt_host_call *io_call)
{
    /* The standard descriptors are character devices: not seekable. */
    return ret(io_call, arg32(io_call, 0) <= 2u ? WRT_WASI_ESPIPE : WRT_WASI_EBADF);
}

static uint32_t wasi_fd_tell(wrt_host_call *io_call)
{
    return ret(io_call, arg32(io_call, 0) <= 2u ? WRT_WASI_ESPIPE : WRT_WASI_EBADF);
}

static uint32_t wasi_proc_exit(wrt_host_call *io_call)
{
    wrt_wasi *w = (wrt_wasi *)io_call->ctx;
    w->exited = true;
    w->exit_code = arg32(io_call, 0);
    return WRT_TRAP_EXIT;
}

static uint32_t wasi_clock_time_get(wrt_host_call *io_call)
{
    const wrt_wasi *w = (const wrt_wasi *)io_call->ctx;
    uint32_t id = arg32(io_call, 0);
    uint64_t time_ptr = arg32(io_call, 2);
    if (!in_memory(io_call, time_ptr, 8)) return ret(io_call, WRT_WASI_EFAULT);
    uint64_t ns = 0;
    if (id > 1u || w->platform.clock == NULL || !w->platform.clock(w->platform.ctx, id, &ns)) {
        return ret(io_call, WRT_WASI_EINVAL);
    }
    put64(io_call->memory + time_ptr, ns);
    return ret(io_call, WRT_WASI_ESUCCESS);
}

static uint32_t wasi_random_get(wrt_host_call *io_call)
{
    const wrt_wasi *w = (const wrt_wasi *)io_call->ctx;
    uint64_t buf = arg32(io_call, 0);
    uint32_t len = arg32(io_call, 1);
    if (!in_memory(io_call, buf, len)) return ret(io_call, WRT_WASI_EFAULT);
    if (w->platform.random == NULL) return ret(io_call, WRT_WASI_ENOSYS);
    if (!w->platform.random(w->platform.ctx, io_call->memory + buf, len)) return ret(io_call, WRT_WASI_EIO);
    return ret(io_call, WRT_WASI_ESUCCESS);
}

/* One thread per device: yielding is a no-op. */
static uint32_t wasi_sched_yield(wrt_host_call *io_call)
{
    return ret(io_call, WRT_WASI_ESUCCESS);
}

typedef struct wasi_entry {
    const char *name;
    const char *signature;
    wrt_host_fn fn;
} wasi_entry;

static const wasi_entry entries[WRT_WASI_FUNC_COUNT] = {
    { "args_get", "ii:i", wasi_args_get },
    { "args_sizes_get", "ii:i", wasi_args_sizes_get },
    { "environ_get", "ii:i", wasi_environ_get },
    { "environ_sizes_get", "ii:i", wasi_environ_sizes_get },
    { "fd_write", "iiii:i", wasi_fd_write },
    { "fd_fdstat_get", "ii:i", wasi_fd_fdstat_get },
    { "fd_close", "i:i", wasi_fd_close },
    { "fd_seek", "iIii:i", wasi_fd_seek },
    { "fd_tell", "ii:i", wasi_fd_tell },
    { "proc_exit", "i:", wasi_proc_exit },
    { "clock_time_get", "iIi:i", wasi_clock_time_get },
    { "random_get", "ii:i", wasi_random_get },
    { "sched_yield", ":i", wasi_sched_yield },
};

void wrt_wasi_init(wrt_wasi *o_wasi, const wrt_wasi_platform *i_platform, const char *const *i_argv, uint32_t argc,
                   const char *const *i_envp, uint32_t envc)
{
    wrt_fill(o_wasi, 0, sizeof *o_wasi);
    if (i_platform != NULL) o_wasi->platform = *i_platform;
    o_wasi->argv = i_argv;
    o_wasi->argc = i_argv != NULL ? argc : 0u;
    o_wasi->envp = i_envp;
    o_wasi->envc = i_envp != NULL ? envc : 0u;
    for (uint32_t i = 0; i < WRT_WASI_FUNC_COUNT; i++) {
        wrt_host_func *f = &o_wasi->funcs[i];
        f->module = "wasi_snapshot_preview1";
        f->name = entries[i].name;
        f->signature = entries[i].signature;
        f->fn = entries[i].fn;
        f->ctx = o_wasi;
        f->budget = WRT_BUDGET_UNLIMITED;
    }
    o_wasi->registry.funcs = o_wasi->funcs;
    o_wasi->registry.count = WRT_WASI_FUNC_COUNT;
}

const wrt_host_registry *wrt_wasi_registry(wrt_wasi *io_wasi)
{
    return &io_wasi->registry;
}
