/*
 * The interpreter firmware: the board's UART carries the wire protocol (docs/protocol.md); the
 * protocol server answers it with the interpreter core running modules in the board's free RAM
 * (everything the linker left after stack, .data and .bss, the upload buffer included).
 *
 * Exit codes of its own (before it can speak the protocol): 3 no arena, or one that holds no region
 * layout, 4 the protocol server refused its configuration.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "wrt_board_target.h"
#include "wrt_bsp_port.h"
#include "wrt_fw_engine.h"
#include "wrt_mem_adapter.h"
#include "wrtp_server.h"

/* A profile is ~180 bytes plus ~40 per import, and UPLOAD_BEGIN carries it in one 1 KiB frame. */
#define WRT_FW_PROFILE_BYTES 768u

#define WRT_FW_EXIT_ARENA 3u
#define WRT_FW_EXIT_SERVER 4u

/* firmware.uploadBufferBytes of the target definition. */
static uint8_t wrt_fw_upload[WRT_BOARD_UPLOAD_BYTES];
static uint8_t wrt_fw_profile[WRT_FW_PROFILE_BYTES];
static wrtp_server wrt_fw_server;

static bool wrt_fw_write(void *ctx, const uint8_t *i_bytes, size_t len) {
    (void)ctx;
    wrt_port_write(i_bytes, len);
    return true;
}

static uint32_t wrt_fw_now_ms(void *ctx) {
    (void)ctx;
    return wrt_port_millis();
}

static size_t wrt_fw_read(void *ctx, uint8_t *o_bytes, size_t cap) {
    (void)ctx;
    size_t n = 0;
    while (n < cap) {
        int byte = wrt_port_read_byte();
        if (byte == WRT_PORT_NO_BYTE) break;
        o_bytes[n++] = (uint8_t)byte;
    }
    return n;
}

static void wrt_fw_device_reset(void *ctx) {
    (void)ctx;
    wrt_port_reset();
}

int main(void) {
    const wrt_port_board *board = wrt_port_board_info();
    void *engine_ctx = NULL;
    const char *why = NULL;
    /* The arena: all the RAM the link left free, through the linker-arena memory adapter. */
    wrt_mem_region arena;
    if (wrt_mem_allocate((size_t)wrt_mem_available(NULL), 0u, NULL, &arena) != WRT_MEM_OK) wrt_port_exit(WRT_FW_EXIT_ARENA);
    const wrtp_engine_ops *engine = wrt_fw_engine(arena.base, arena.bytes, wrt_port_nanos, &engine_ctx, &why);
    if (engine == NULL) wrt_port_exit(WRT_FW_EXIT_ARENA);

    static const wrtp_port port = {NULL, wrt_fw_read, wrt_fw_write, wrt_fw_now_ms, wrt_fw_device_reset};
    const wrtp_server_config config = {
        .port = &port,
        .engine = engine,
        .engine_ctx = engine_ctx,
        .upload_buf = wrt_fw_upload,
        .upload_capacity = (uint32_t)sizeof wrt_fw_upload,
        .profile_buf = wrt_fw_profile,
        .profile_capacity = (uint32_t)sizeof wrt_fw_profile,
        .device_id = board->id,
        .ram_bytes = board->ram_bytes,
        .boot_id = wrt_port_boot_count(),
        .idle_timeout_ms = 0,
    };
    if (!wrtp_server_init(&wrt_fw_server, &config)) wrt_port_exit(WRT_FW_EXIT_SERVER);

    uint8_t chunk[WRTP_PROTO_POLL_BYTES];
    for (;;) {
        size_t n = wrt_fw_read(NULL, chunk, sizeof chunk);
        if (n > 0u) {
            wrtp_server_feed(&wrt_fw_server, chunk, n);
            continue;
        }
        wrtp_server_tick(&wrt_fw_server);
        wrt_port_idle();
    }
}
