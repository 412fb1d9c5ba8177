# The board support of qemu-mps3-an547: Cortex-M55 (Armv8.1-M Mainline) with the double-precision
# FPU, hard-float ABI, running Secure, compiled with PAC and BTI (-mbranch-protection=pac-ret+bti:
# PACBTI in the hint space, NOPs on a core without the extension). The target definition names
# clang as the compiler (gcc 12 has no -mbranch-protection for M-profile); the link is
# arm-none-eabi-gcc's with BOARD_LINK_FLAGS: gcc's spelling of the CPU, which picks libgcc's
# v8-m.main+dp/hard multilib, and a non-executable stack stated outright (clang's objects carry
# .note.GNU-stack, libgcc's do not, and ld warns about the mix). -fshort-enums is the enum size of
# gcc's arm-none-eabi ABI, which libgcc is built with.
# Its target id, memory map and linker script come from the target definition (targets/firmware/Makefile
# generates them); test/targets/board-files.test.ts checks these CPU flags against it.
BOARD_CPU_FLAGS := -mcpu=cortex-m55 -mthumb -mfpu=fpv5-d16 -mfloat-abi=hard -fshort-enums -mbranch-protection=pac-ret+bti
BOARD_LINK_FLAGS := -mcpu=cortex-m55 -mthumb -mfloat-abi=hard -Wl,-z,noexecstack
BOARD_SOURCES := $(BSP_DIR)/armv8m/wrt_board_mps_tz.c $(BSP_DIR)/uart/wrt_uart_cmsdk.c
# A gcc-only flag clang refuses; clang's loop idiom pass leaves functions named memcpy/memset alone.
CORTEX_M_CFLAGS := $(filter-out -fno-tree-loop-distribute-patterns,$(CORTEX_M_CFLAGS))
# clang ships no C library headers for arm-none-eabi: libsodium's sources (the module-signature
# check, targets/firmware/interp/app.mk) include string.h and stdlib.h, which gcc's newlib has.
# Searched after clang's own headers, so only what clang lacks comes from newlib.
BOARD_LIBC_INCLUDES := -idirafter $(abspath $(dir $(shell arm-none-eabi-gcc -print-file-name=libc.a))../include)
# clang has no -fno-inline-functions-called-once (targets/firmware/Makefile's component size flag);
# -Oz on every component object instead: 16,267 B of component runtime rather than 17,551 B, still
# over the 14 KiB goal (PAC/BTI's prologue and epilogue in every function; docs/firmware.md).
COMPONENT_SIZE_FLAGS := -Oz
COMPONENT_SIZE_SOURCES := wrt_cabi.c wrt_cval.c wrt_component.c wrt_handles.c wrt_engine_component.c
