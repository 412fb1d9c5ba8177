# The board support of nucleo-f429zi: STM32F429ZI, Cortex-M4 with the single-precision FPU,
# hard-float ABI; the STM32F4 code in targets/bsp/stm32f4. Its target id, memory map and linker
# script come from the target definition (targets/firmware/Makefile generates them);
# test/targets/board-files.test.ts checks these CPU flags against it.
BOARD_CPU_FLAGS := -mcpu=cortex-m4 -mthumb -mfpu=fpv4-sp-d16 -mfloat-abi=hard
include $(BSP_DIR)/stm32f4/stm32f4.mk
BOARD_SOURCES := $(STM32F4_SOURCES)
# Component linking at the small-RAM sizes (docs/component.md, "On a board: deploy"): one adapter
# level, 2 handle tables of 8 handles, smaller adapter and COMPONENT_INVOKE scratch; the host's
# profile checks a component against the same numbers (ts/profile/component-profile.ts).
BOARD_COMPONENT_CONFIG := -DWRT_ENGINE_ADAPTER_DEPTH=1 -DWRT_ENGINE_MAX_ADAPTERS=4 -DWRT_ENGINE_MAX_RESOURCE_TYPES=4 \
	-DWRT_ENGINE_MAX_HANDLE_TABLES=2 -DWRT_ENGINE_MAX_HANDLES=8 -DWRT_ENGINE_ADAPTER_VALUES=24 -DWRT_ENGINE_ADAPTER_NODES=16 \
	-DWRT_ENGINE_ADAPTER_TYPE_BYTES=32 -DWRT_COMPONENT_MAX_VALUES=64 -DWRT_COMPONENT_MAX_NODES=32
