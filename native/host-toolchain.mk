# The host C compiler and its flags, shared by the host builds (native/interp, native/sim).
CC ?= cc
ifeq ($(origin CC),default)
CC := cc
endif

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
