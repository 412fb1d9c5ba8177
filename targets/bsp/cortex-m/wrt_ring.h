/*
 * Single-producer single-consumer byte ring: the UART receive interrupt puts, the main program
 * gets. Head is written only by the producer and tail only by the consumer, so on one core no
 * lock is needed; the indices run freely and wrap at 2^32.
 */
#ifndef WRT_RING_H
#define WRT_RING_H

#include <stdint.h>

typedef struct wrt_ring {
  uint8_t *bytes;
  uint32_t mask; /* capacity - 1; capacity is a power of two */
  volatile uint32_t head;
  volatile uint32_t tail;
  volatile uint32_t dropped;
} wrt_ring;

/* capacity must be a power of two, at least 2; returns 0 otherwise. */
int wrt_ring_init(wrt_ring *ring, uint8_t *storage, uint32_t capacity);
/* Producer side. Returns 0 and counts a dropped byte when the ring is full. */
int wrt_ring_put(wrt_ring *ring, uint8_t byte);
/* Consumer side. Returns the byte, or -1 when the ring is empty. */
int wrt_ring_get(wrt_ring *ring);
uint32_t wrt_ring_count(const wrt_ring *ring);
/* True when a put would fail; the producer checks it to leave bytes in the UART instead. */
int wrt_ring_full(const wrt_ring *ring);

#endif /* WRT_RING_H */
