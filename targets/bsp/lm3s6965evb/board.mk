# The board support of qemu-lm3s6965evb: Cortex-M3, no FPU, soft-float ABI (floats through libgcc).
# Its target id, memory map and linker script come from the target definition (targets/firmware/Makefile
# generates them); test/targets/board-files.test.ts checks these CPU flags against it.
BOARD_CPU_FLAGS := -mcpu=cortex-m3 -mthumb -mfloat-abi=soft
BOARD_SOURCES := $(BSP_DIR)/lm3s6965evb/wrt_board.c $(BSP_DIR)/lm3s6965evb/wrt_lm3s_clock.c $(BSP_DIR)/uart/wrt_uart_pl011.c
# Component linking at the small-RAM sizes (docs/component.md, "On a board: deploy"): one adapter
# level, 2 handle tables of 8 handles, smaller adapter and COMPONENT_INVOKE scratch; the host's
# profile checks a component against the same numbers (ts/profile/component-profile.ts).
BOARD_COMPONENT_CONFIG := -DWRT_ENGINE_ADAPTER_DEPTH=1 -DWRT_ENGINE_MAX_ADAPTERS=4 -DWRT_ENGINE_MAX_RESOURCE_TYPES=4 \
	-DWRT_ENGINE_MAX_HANDLE_TABLES=2 -DWRT_ENGINE_MAX_HANDLES=8 -DWRT_ENGINE_ADAPTER_VALUES=24 -DWRT_ENGINE_ADAPTER_NODES=16 \
	-DWRT_ENGINE_ADAPTER_TYPE_BYTES=32 -DWRT_COMPONENT_MAX_VALUES=64 -DWRT_COMPONENT_MAX_NODES=32
