#include "wrt_ring.h"

int wrt_ring_init(wrt_ring *ring, uint8_t *storage, uint32_t capacity) {
  if (capacity < 2u || (capacity & (capacity - 1u)) != 0u) return 0;
  ring->bytes = storage;
  ring->mask = capacity - 1u;
  ring->head = 0u;
  ring->tail = 0u;
  ring->dropped = 0u;
  return 1;
}

int wrt_ring_put(wrt_ring *ring, uint8_t byte) {
  uint32_t head = ring->head;
  if (head - ring->tail > ring->mask) {
    ring->dropped = ring->dropped + 1u;
    return 0;
  }
  ring->bytes[head & ring->mask] = byte;
  /* The byte must be stored before the consumer can see the new head. */
  __asm volatile("" ::: "memory");
  ring->head = head + 1u;
  return 1;
}

int wrt_ring_get(wrt_ring *ring) {
  uint32_t tail = ring->tail;
  if (tail == ring->head) return -1;
  int byte = ring->bytes[tail & ring->mask];
  __asm volatile("" ::: "memory");
  ring->tail = tail + 1u;
  return byte;
}

uint32_t wrt_ring_count(const wrt_ring *ring) { return ring->head - ring->tail; }

int wrt_ring_full(const wrt_ring *ring) { return ring->head - ring->tail > ring->mask; }
