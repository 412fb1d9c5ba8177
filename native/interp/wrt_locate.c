/*
 * Code sites to wasm byte offsets, for backtraces. The compiled code keeps no map back to the
 * binary (a device has no RAM to spare for one), so the host that printed the trap loads the module
 * again with a core of the device's configuration and lets the compiler say which instruction
 * wrote each cell (wrt_compile.c, `locating`). One load per site: a backtrace has a handful.
 */
#include "wrt_internal.h"

uint32_t wrt_code_form(void)
{
    return (WRT_CONFIG_FUSED ? 0u : WRT_CODE_UNFUSED) | (WRT_CONFIG_FUSED_WIDE ? 0u : WRT_CODE_NARROW);
}

bool wrt_locate_sites(wrt_runtime *io_rt, const uint8_t *i_bytes, size_t len, const wrt_code_site *i_sites,
                      uint32_t nsites, uint32_t *o_offsets, wrt_error *o_err)
{
    for (uint32_t i = 0; i < nsites; i++) {
        if (!wrt_runtime_reset(io_rt)) return false;
        io_rt->locate_site = &i_sites[i];
        io_rt->locate_offset = WRT_NONE;
        const wrt_module *m = wrt_module_load(io_rt, i_bytes, len, o_err);
        o_offsets[i] = io_rt->locate_offset;
        io_rt->locate_site = NULL;
        if (m == NULL) {
            (void)wrt_runtime_reset(io_rt);
            return false;
        }
    }
    return wrt_runtime_reset(io_rt);
}
