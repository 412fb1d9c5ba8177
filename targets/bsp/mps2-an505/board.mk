# The board support of qemu-mps2-an505: Cortex-M33 (Armv8-M Mainline) with the single-precision
# FPU, hard-float ABI, running Secure. Its target id, memory map and linker script come from the
# target definition (targets/firmware/Makefile generates them); test/targets/board-files.test.ts
# checks these CPU flags against it.
BOARD_CPU_FLAGS := -mcpu=cortex-m33 -mthumb -mfpu=fpv5-sp-d16 -mfloat-abi=hard
BOARD_SOURCES := $(BSP_DIR)/armv8m/wrt_board_mps_tz.c $(BSP_DIR)/uart/wrt_uart_cmsdk.c
