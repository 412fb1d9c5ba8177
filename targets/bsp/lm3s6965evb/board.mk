# The board support of qemu-lm3s6965evb: Cortex-M3, no FPU, soft-float ABI (floats through libgcc).
# Its target id, memory map and linker script come from the target definition (targets/firmware/Makefile
# generates them); test/targets/board-files.test.ts checks these CPU flags against it.
BOARD_CPU_FLAGS := -mcpu=cortex-m3 -mthumb -mfloat-abi=soft
BOARD_SOURCES := $(BSP_DIR)/lm3s6965evb/wrt_board.c $(BSP_DIR)/lm3s6965evb/wrt_lm3s_clock.c $(BSP_DIR)/uart/wrt_uart_pl011.c
