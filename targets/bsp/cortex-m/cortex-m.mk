# The shared Cortex-M board support: sources and the flags every image is built with.
# Included by targets/firmware/Makefile after BSP_DIR is set.
CORTEX_M_DIR := $(BSP_DIR)/cortex-m
CORTEX_M_SOURCES := $(addprefix $(CORTEX_M_DIR)/, \
	wrt_boot_count.c wrt_console.c wrt_exit.c wrt_fault.c wrt_fmt.c wrt_irq.c wrt_libc.c \
	wrt_port.c wrt_ring.c wrt_semihost.c wrt_startup.c wrt_systick.c wrt_sysreset.c wrt_vectors.c)

# -fno-tree-loop-distribute-patterns: -ffreestanding alone does not stop GCC from turning copy
# and clear loops into memcpy/memset calls (and wrt_libc.c into calls to itself).
CORTEX_M_CFLAGS := -std=c11 -Wall -Wextra -Werror -ffreestanding -fno-tree-loop-distribute-patterns \
	-Os -g -ffunction-sections -fdata-sections -fno-common
CORTEX_M_LDFLAGS := -nostdlib -nostartfiles -Wl,--gc-sections -Wl,--print-memory-usage -L$(CORTEX_M_DIR)
CORTEX_M_LIBS := -lgcc
