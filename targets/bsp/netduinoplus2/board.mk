# The board support of qemu-netduinoplus2: QEMU's Netduino Plus 2 (STM32F405RG), Cortex-M4 with
# the single-precision FPU, hard-float ABI; the same STM32F4 code as nucleo-f429zi
# (targets/bsp/stm32f4). Its target id, memory map and linker script come from the target
# definition; test/targets/board-files.test.ts checks these CPU flags against it.
BOARD_CPU_FLAGS := -mcpu=cortex-m4 -mthumb -mfpu=fpv4-sp-d16 -mfloat-abi=hard
include $(BSP_DIR)/stm32f4/stm32f4.mk
BOARD_SOURCES := $(STM32F4_SOURCES)
