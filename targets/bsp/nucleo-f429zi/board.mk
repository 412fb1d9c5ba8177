# The board support of nucleo-f429zi: STM32F429ZI, Cortex-M4 with the single-precision FPU,
# hard-float ABI; the STM32F4 code in targets/bsp/stm32f4. Its target id, memory map and linker
# script come from the target definition (targets/firmware/Makefile generates them);
# test/targets/board-files.test.ts checks these CPU flags against it.
BOARD_CPU_FLAGS := -mcpu=cortex-m4 -mthumb -mfpu=fpv4-sp-d16 -mfloat-abi=hard
include $(BSP_DIR)/stm32f4/stm32f4.mk
BOARD_SOURCES := $(STM32F4_SOURCES)
