# qemu-mps2-an386: Cortex-M4 with the single-precision FPU, hard-float ABI.
BOARD_TARGET_ID := qemu-mps2-an386
BOARD_CPU_FLAGS := -mcpu=cortex-m4 -mthumb -mfpu=fpv4-sp-d16 -mfloat-abi=hard
BOARD_SOURCES := $(BSP_DIR)/mps2-an386/wrt_board.c $(BSP_DIR)/uart/wrt_uart_cmsdk.c
BOARD_LINKER_SCRIPT := $(BSP_DIR)/mps2-an386/memory.ld
