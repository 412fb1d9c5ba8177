/*
 * Natives in the engine (wrt_engine_natives.h). Freestanding: the tables come from the link (the
 * board's support and the application's --natives file, or its empty stand-in).
 */
#include "wrt_engine_natives.h"

#include "wrt_internal.h"

static size_t wrt_en_put(char *io_buf, size_t at, const char *i_text) {
    while (*i_text != '\0' && at + 1u < WRT_ENGINE_NATIVES_WHY_BYTES) io_buf[at++] = *i_text++;
    io_buf[at] = '\0';
    return at;
}

static bool wrt_en_refuse(wrt_engine_natives *io_natives, const wrt_native *i_native, const char *i_reason,
                          const char **o_why) {
    size_t at = wrt_en_put(io_natives->why, 0, "native ");
    at = wrt_en_put(io_natives->why, at, i_native->module != NULL ? i_native->module : "(null)");
    at = wrt_en_put(io_natives->why, at, ".");
    at = wrt_en_put(io_natives->why, at, i_native->name != NULL ? i_native->name : "(null)");
    at = wrt_en_put(io_natives->why, at, ": ");
    (void)wrt_en_put(io_natives->why, at, i_reason);
    *o_why = io_natives->why;
    return false;
}

static bool wrt_en_name_ok(const char *i_name) {
    return i_name != NULL && wrt_strlen(i_name, WRT_CONFIG_MAX_NAME + 1u) <= WRT_CONFIG_MAX_NAME;
}

static const wrt_native *wrt_en_at(const wrt_engine_natives *i_natives, uint32_t index) {
    return index < i_natives->board.count ? &i_natives->board.funcs[index]
                                          : &i_natives->app.funcs[index - i_natives->board.count];
}

static bool wrt_en_same(const wrt_native *i_a, const wrt_native *i_b) {
    size_t ml = wrt_strlen(i_a->module, WRT_CONFIG_MAX_NAME + 1u);
    size_t nl = wrt_strlen(i_a->name, WRT_CONFIG_MAX_NAME + 1u);
    return ml == wrt_strlen(i_b->module, WRT_CONFIG_MAX_NAME + 1u) && nl == wrt_strlen(i_b->name, WRT_CONFIG_MAX_NAME + 1u) &&
           wrt_equal(i_a->module, i_b->module, ml) && wrt_equal(i_a->name, i_b->name, nl);
}

bool wrt_engine_natives_start(wrt_engine_natives *o_natives, wrt_host_registry *io_before, const char **o_why) {
    wrt_fill(o_natives, 0, sizeof *o_natives);
    o_natives->board.funcs = wrt_native_board_table;
    o_natives->board.count = wrt_native_board_count;
    o_natives->app.funcs = wrt_native_app_table;
    o_natives->app.count = wrt_native_app_count;
    uint64_t total = (uint64_t)wrt_native_board_count + wrt_native_app_count;
    if (total > WRT_ENGINE_MAX_NATIVES) {
        *o_why = "the board's and the application's natives are more than WRT_ENGINE_MAX_NATIVES entries";
        return false;
    }
    for (uint32_t i = 0; i < (uint32_t)total; i++) {
        const wrt_native *f = wrt_en_at(o_natives, i);
        if (!wrt_en_name_ok(f->module) || !wrt_en_name_ok(f->name)) {
            return wrt_en_refuse(o_natives, f, "module and name must be strings of at most WRT_CONFIG_MAX_NAME bytes", o_why);
        }
        if (f->fn == NULL) return wrt_en_refuse(o_natives, f, "no handler", o_why);
        if (!wrt_host_signature_valid(f->signature)) {
            return wrt_en_refuse(o_natives, f, "bad signature (letters iIfF, one ':' between parameters and results)", o_why);
        }
        const wrt_host_registry *from = NULL;
        if (wrt_host_find(io_before, (const uint8_t *)f->module, (uint32_t)wrt_strlen(f->module, WRT_CONFIG_MAX_NAME),
                          (const uint8_t *)f->name, (uint32_t)wrt_strlen(f->name, WRT_CONFIG_MAX_NAME), &from) != NULL) {
            return wrt_en_refuse(o_natives, f, "WASI offers this name already", o_why);
        }
        for (uint32_t j = 0; j < i; j++) {
            if (wrt_en_same(wrt_en_at(o_natives, j), f)) return wrt_en_refuse(o_natives, f, "listed twice", o_why);
        }
    }
    o_natives->board.next = &o_natives->app;
    io_before->next = &o_natives->board;
    return true;
}
