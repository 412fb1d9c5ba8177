/*
 * The byte link under the protocol server: native-sim's stdio or PTY, a firmware UART driver.
 * Bytes come in either pushed (wrtp_server_feed, e.g. from a UART ring buffer) or pulled
 * (wrtp_server_poll calls `read`).
 */
#ifndef WRTP_PORT_H
#define WRTP_PORT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct wrtp_port {
    void *ctx;
    /* Copies up to `cap` received bytes into o_bytes without waiting; returns how many. May be NULL. */
    size_t (*read)(void *ctx, uint8_t *o_bytes, size_t cap);
    /* Sends all bytes (may wait for the link); returns false when the link is gone. */
    bool (*write)(void *ctx, const uint8_t *i_bytes, size_t len);
    /* Milliseconds from a monotonic clock; wraps at 2^32. */
    uint32_t (*now_ms)(void *ctx);
    /* Called after the answer to RESET kind 1 was written; a firmware may reboot here. May be NULL. */
    void (*device_reset)(void *ctx);
} wrtp_port;

#endif
