# The interpreter core as a list of sources and the flags every build of it needs.
# Included by native/interp/Makefile (host library, sanitizer and portable variants, Cortex-M
# objects) and meant for native-sim and firmware makefiles alike: they compile these very files.
WRT_INTERP_DIR := $(abspath $(dir $(lastword $(MAKEFILE_LIST))))

WRT_INTERP_SOURCES := $(addprefix $(WRT_INTERP_DIR)/, \
	wrt_arena.c wrt_bytes.c wrt_compile.c wrt_debug.c wrt_decode.c wrt_exec.c wrt_float.c wrt_host.c \
	wrt_instance.c wrt_locate.c wrt_opcodes.c wrt_read.c wrt_trap.c wrt_validate.c wrt_wasi.c)

WRT_INTERP_HEADERS := $(wildcard $(WRT_INTERP_DIR)/*.h)

# Freestanding C11: no libc, no libm. -fno-math-errno lets sqrt become one instruction.
WRT_INTERP_CFLAGS := -std=c11 -Wall -Wextra -Werror -ffreestanding -fno-math-errno -I$(WRT_INTERP_DIR)
