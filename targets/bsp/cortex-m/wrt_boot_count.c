#include "wrt_boot_count.h"

#define WRT_BOOT_MAGIC 0x77727462u /* "wrtb" */

typedef struct wrt_boot_record {
  uint32_t magic;
  uint32_t count;
  uint32_t check; /* ~count: power-on RAM contents rarely pass both tests */
} wrt_boot_record;

static wrt_boot_record wrt_boot __attribute__((section(".noinit")));

uint32_t wrt_boot_count_update(void) {
  if (wrt_boot.magic == WRT_BOOT_MAGIC && wrt_boot.check == ~wrt_boot.count && wrt_boot.count != 0xFFFFFFFFu) {
    wrt_boot.count = wrt_boot.count + 1u;
  } else {
    wrt_boot.magic = WRT_BOOT_MAGIC;
    wrt_boot.count = 1u;
  }
  wrt_boot.check = ~wrt_boot.count;
  return wrt_boot.count;
}

uint32_t wrt_boot_count(void) { return wrt_boot.count; }
