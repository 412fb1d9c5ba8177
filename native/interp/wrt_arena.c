/*
 * The arena: one caller-provided buffer cut into the regions a profile sizes. The runtime struct
 * sits first, then the regions in enum wrt_region order, each aligned to WRT_CONFIG_ALIGN. Every
 * region is a bump allocator; a load that fails releases what it took (marks), so a device can
 * retry with another module without a reset.
 */
#include "wrt_internal.h"

static uint64_t align_up(uint64_t n)
{
    return (n + (WRT_CONFIG_ALIGN - 1u)) & ~(uint64_t)(WRT_CONFIG_ALIGN - 1u);
}

static void region_sizes(const wrt_layout *i_layout, uint64_t o_sizes[WRT_REGION_COUNT])
{
    o_sizes[WRT_REGION_META] = i_layout->meta_bytes;
    o_sizes[WRT_REGION_CODE] = i_layout->code_bytes;
    o_sizes[WRT_REGION_CONTROL] = i_layout->control_bytes;
    o_sizes[WRT_REGION_STACK] = (uint64_t)i_layout->stack_slots * 8u;
    o_sizes[WRT_REGION_FRAMES] = (uint64_t)i_layout->call_depth * sizeof(wrt_frame);
    o_sizes[WRT_REGION_MEMORY] = i_layout->memory_bytes_limit != 0u ? (uint64_t)i_layout->memory_bytes_limit
                                                                    : (uint64_t)i_layout->memory_pages * WRT_PAGE_BYTES;
    o_sizes[WRT_REGION_TABLES] = (uint64_t)i_layout->table_elements * 8u;
    o_sizes[WRT_REGION_GLOBALS] = (uint64_t)i_layout->global_slots * 8u;
    /* The trace ring, then the breakpoint set: the profile counts the same bytes (debug limits). */
    o_sizes[WRT_REGION_TRACE] = (uint64_t)i_layout->trace_entries * WRT_TRACE_ENTRY_BYTES +
                                (uint64_t)i_layout->breakpoints * WRT_BREAKPOINT_BYTES;
}

/* Bytes up to the end of each region, counted from an aligned arena start. */
static uint64_t region_ends(const wrt_layout *i_layout, uint64_t o_ends[WRT_REGION_COUNT])
{
    uint64_t sizes[WRT_REGION_COUNT];
    region_sizes(i_layout, sizes);
    uint64_t at = align_up(sizeof(wrt_runtime));
    for (uint32_t r = 0; r < WRT_REGION_COUNT; r++) {
        at += align_up(sizes[r]);
        o_ends[r] = at;
    }
    return at;
}

size_t wrt_layout_bytes(const wrt_layout *i_layout)
{
    if (i_layout == NULL) return 0;
    uint64_t ends[WRT_REGION_COUNT];
    uint64_t total = region_ends(i_layout, ends) + (WRT_CONFIG_ALIGN - 1u);
    if (total > (uint64_t)SIZE_MAX) return 0;
    return (size_t)total;
}

wrt_runtime *wrt_runtime_init(void *io_arena, size_t arena_bytes, const wrt_layout *i_layout, wrt_error *o_err)
{
    if (io_arena == NULL || i_layout == NULL) {
        wrt_fail(o_err, WRT_ERR_ARGUMENT, 0, "arena or layout is NULL");
        return NULL;
    }
    if (i_layout->call_depth == 0u) {
        wrt_fail_region(o_err, WRT_ERR_ARGUMENT, WRT_REGION_FRAMES, 1, 0, "call depth must be at least 1");
        return NULL;
    }
    uintptr_t start = (uintptr_t)io_arena;
    uintptr_t aligned = (start + (WRT_CONFIG_ALIGN - 1u)) & ~(uintptr_t)(WRT_CONFIG_ALIGN - 1u);
    uint64_t slack = (uint64_t)(aligned - start);
    uint64_t usable = arena_bytes > slack ? (uint64_t)arena_bytes - slack : 0u;
    uint64_t sizes[WRT_REGION_COUNT];
    uint64_t ends[WRT_REGION_COUNT];
    region_sizes(i_layout, sizes);
    uint64_t total = region_ends(i_layout, ends);
    if (total > usable || total > (uint64_t)SIZE_MAX) {
        /* Name the first region that does not fit: that is the one to shrink or the arena to grow. */
        uint32_t r = 0;
        while (r + 1u < WRT_REGION_COUNT && ends[r] <= usable) r++;
        wrt_fail_region(o_err, WRT_ERR_ARENA, r, total, usable, "arena too small for the layout");
        return NULL;
    }
    uint8_t *base = (uint8_t *)aligned;
    wrt_runtime *rt = (wrt_runtime *)base;
    wrt_fill(rt, 0, sizeof(wrt_runtime));
    uint64_t at = align_up(sizeof(wrt_runtime));
    for (uint32_t r = 0; r < WRT_REGION_COUNT; r++) {
        rt->regions[r].base = base + at;
        rt->regions[r].size = (size_t)sizes[r];
        rt->regions[r].used = 0;
        rt->regions[r].peak = 0;
        at += align_up(sizes[r]);
    }
    rt->arena = io_arena;
    rt->arena_bytes = arena_bytes;
    rt->layout = *i_layout;
    rt->stack = (uint64_t *)rt->regions[WRT_REGION_STACK].base;
    rt->stack_end = rt->stack + i_layout->stack_slots;
    rt->frames = (wrt_frame *)rt->regions[WRT_REGION_FRAMES].base;
    rt->depth_max = i_layout->call_depth;
    rt->fuel = WRT_FUEL_UNLIMITED;
    rt->serial = 0;
    rt->busy = false;
    rt->nest_sp = NULL;
    rt->nest_ft = NULL;
    rt->nest_fuel = 0;
    rt->nest_depth = 0;
    rt->registered = NULL;
    /* Stack, frames and the trace are whole-region allocations made once. */
    rt->regions[WRT_REGION_STACK].used = rt->regions[WRT_REGION_STACK].size;
    rt->regions[WRT_REGION_FRAMES].used = rt->regions[WRT_REGION_FRAMES].size;
    rt->regions[WRT_REGION_TRACE].used = rt->regions[WRT_REGION_TRACE].size;
    rt->debug = NULL;
    if (i_layout->trace_entries != 0u || i_layout->breakpoints != 0u) {
        wrt_debug *d = &rt->debug_state;
        uint8_t *trace = rt->regions[WRT_REGION_TRACE].base;
        d->ring = (wrt_trace_entry *)(void *)trace;
        d->capacity = i_layout->trace_entries;
        d->breaks = (uint32_t *)(void *)(trace + (size_t)i_layout->trace_entries * WRT_TRACE_ENTRY_BYTES);
        d->max_breaks = i_layout->breakpoints;
        rt->debug = d;
    }
    return rt;
}

void *wrt_reserve(wrt_runtime *io_rt, uint32_t region, size_t bytes, wrt_error *o_err)
{
    wrt_region_state *st = &io_rt->regions[region];
    uint64_t need = align_up((uint64_t)bytes);
    uint64_t left = (uint64_t)(st->size - st->used);
    if (need > left) {
        wrt_fail_region(o_err, WRT_ERR_ARENA, region, (uint64_t)st->used + need, st->size,
                        "arena region exhausted");
        return NULL;
    }
    void *p = st->base + st->used;
    st->used += (size_t)need;
    if (st->used > st->peak) st->peak = st->used;
    return p;
}

void *wrt_alloc(wrt_runtime *io_rt, uint32_t region, size_t bytes, wrt_error *o_err)
{
    void *p = wrt_reserve(io_rt, region, bytes, o_err);
    if (p != NULL) wrt_fill(p, 0, bytes);
    return p;
}

void *wrt_alloc_array(wrt_runtime *io_rt, uint32_t region, uint64_t count, size_t size, wrt_error *o_err)
{
    if (size != 0u && count > (uint64_t)SIZE_MAX / size) {
        const wrt_region_state *st = &io_rt->regions[region];
        wrt_fail_region(o_err, WRT_ERR_ARENA, region, UINT64_MAX, st->size, "arena region exhausted");
        return NULL;
    }
    return wrt_alloc(io_rt, region, (size_t)(count * size), o_err);
}

size_t wrt_region_left(const wrt_runtime *i_rt, uint32_t region)
{
    const wrt_region_state *st = &i_rt->regions[region];
    return st->size - st->used;
}

void wrt_region_marks(const wrt_runtime *i_rt, size_t o_marks[WRT_REGION_COUNT])
{
    for (uint32_t r = 0; r < WRT_REGION_COUNT; r++) o_marks[r] = i_rt->regions[r].used;
}

void wrt_region_release(wrt_runtime *io_rt, const size_t i_marks[WRT_REGION_COUNT])
{
    for (uint32_t r = 0; r < WRT_REGION_COUNT; r++) {
        if (i_marks[r] < io_rt->regions[r].used) io_rt->regions[r].used = i_marks[r];
    }
}

void wrt_region_usage(const wrt_runtime *i_rt, uint32_t region, uint64_t *o_used, uint64_t *o_capacity)
{
    uint64_t used = 0;
    uint64_t cap = 0;
    if (i_rt != NULL && region < WRT_REGION_COUNT) {
        const wrt_region_state *st = &i_rt->regions[region];
        /* Scratch and code: what the region must hold, counting a compiling body's widest moment. */
        used = region == WRT_REGION_CONTROL || region == WRT_REGION_CODE ? st->peak : st->used;
        cap = st->size;
    }
    if (o_used != NULL) *o_used = used;
    if (o_capacity != NULL) *o_capacity = cap;
}

bool wrt_runtime_reset(wrt_runtime *io_rt)
{
    if (io_rt == NULL || io_rt->busy) return false;
    uint64_t fuel = io_rt->fuel;
    uint32_t features = io_rt->features;
    wrt_layout layout = io_rt->layout;
    wrt_runtime *again = wrt_runtime_init(io_rt->arena, io_rt->arena_bytes, &layout, NULL);
    if (again == NULL) return false;
    again->fuel = fuel;
    again->features = features;
    return true;
}

uint32_t wrt_runtime_set_features(wrt_runtime *io_rt, uint32_t features)
{
    if (io_rt == NULL) return 0;
    io_rt->features = WRT_CONFIG_MULTI_MEMORY ? (features & WRT_FEATURE_MULTI_MEMORY) : 0u;
    return io_rt->features;
}

uint32_t wrt_version(void)
{
    return (WRT_VERSION_MAJOR << 16) | (WRT_VERSION_MINOR << 8) | WRT_VERSION_PATCH;
}

void wrt_set_fuel(wrt_runtime *io_rt, uint64_t fuel)
{
    if (io_rt != NULL) io_rt->fuel = fuel;
}
