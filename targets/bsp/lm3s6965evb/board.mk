# qemu-lm3s6965evb: Cortex-M3, no FPU, soft-float ABI (floats through libgcc).
BOARD_TARGET_ID := qemu-lm3s6965evb
BOARD_CPU_FLAGS := -mcpu=cortex-m3 -mthumb -mfloat-abi=soft
BOARD_SOURCES := $(BSP_DIR)/lm3s6965evb/wrt_board.c $(BSP_DIR)/lm3s6965evb/wrt_lm3s_clock.c $(BSP_DIR)/uart/wrt_uart_pl011.c
BOARD_LINKER_SCRIPT := $(BSP_DIR)/lm3s6965evb/memory.ld
