# The host C compiler and its flags, shared by the host builds (native/interp, native/sim).
CC ?= cc
ifeq ($(origin CC),default)
CC := cc
endif

# The binutils of that compiler (a cross gcc names its own objcopy): native/sim's narrow measure object.
OBJCOPY ?= $(shell $(CC) -print-prog-name=objcopy)

# Control-flow protection for every host object, so cfi-report finds the marks. glibc's
# crti.o/crtn.o carry no CET property, which would drop the marks from a linked file; every object
# of ours is built with -fcf-protection, so the link asserts them (as binding.gyp does).
MACHINE := $(shell $(CC) -dumpmachine)
ifneq ($(findstring x86_64,$(MACHINE)),)
CFI_FLAGS := -fcf-protection=full
CFI_LDFLAGS := -Wl,-z,ibt -Wl,-z,shstk
else ifneq ($(findstring aarch64,$(MACHINE)),)
CFI_FLAGS := -mbranch-protection=standard
endif

# GCC turns byte loops into memset/memcpy calls unless told not to; the core must call no libc.
ifeq ($(findstring clang,$(shell $(CC) --version 2>/dev/null)),)
NO_LIBCALLS := -fno-tree-loop-distribute-patterns
endif

# The executor's handlers each start a 64-byte fetch block (GCC only; clang ignores the flag and
# warns). Where a handler falls moved a kernel by up to 1.35x (a 62-byte byte-store handler that
# began 7 bytes before a block boundary); aligned, `npm run bench` ran 6-10 % faster overall in
# same-process A/B runs. Costs about 48 KiB of host text (wrt_exec.o 40 -> 88 KiB); the firmware,
# built for size, does not use it.
ifeq ($(findstring clang,$(shell $(CC) --version 2>/dev/null)),)
EXEC_ALIGN_FLAGS := -falign-labels=64
endif
wrt_core_flags = $(if $(filter wrt_exec.c,$(notdir $(1))),$(EXEC_ALIGN_FLAGS))
