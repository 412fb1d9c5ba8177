# The board support of qemu-mps2-an386: Cortex-M4 with the single-precision FPU, hard-float ABI.
# Its target id, memory map and linker script come from the target definition (targets/firmware/Makefile
# generates them); test/targets/board-files.test.ts checks these CPU flags against it.
BOARD_CPU_FLAGS := -mcpu=cortex-m4 -mthumb -mfpu=fpv4-sp-d16 -mfloat-abi=hard
BOARD_SOURCES := $(BSP_DIR)/mps2-an386/wrt_board.c $(BSP_DIR)/uart/wrt_uart_cmsdk.c
