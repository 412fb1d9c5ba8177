# The module-signature check (native/sig) and the part of libsodium it needs (third_party/libsodium:
# Ed25519 ref10 verification and SHA-512, Debian's libsodium 1.0.18-1+deb12u1), as sources and flags
# for every build that links them: native-sim (native/sim/Makefile), the firmware
# (targets/firmware/interp/app.mk) and the check driver (native/sig/Makefile).
WRT_SIG_DIR := $(abspath $(dir $(lastword $(MAKEFILE_LIST))))
WRT_SODIUM_DIR := $(abspath $(WRT_SIG_DIR)/../../third_party/libsodium/src/libsodium)

WRT_SIG_SOURCES := $(WRT_SIG_DIR)/wrt_sig.c
# sign.c is here for one function, the SHA-512 start of verification (_crypto_sign_ed25519_ref10_hinit);
# its signing code is unused (a firmware link drops it with --gc-sections).
WRT_SODIUM_SOURCES := $(addprefix $(WRT_SODIUM_DIR)/, crypto_sign/ed25519/ref10/open.c crypto_sign/ed25519/ref10/sign.c \
	crypto_core/ed25519/ref10/ed25519_ref10.c crypto_hash/sha512/cp/hash_sha512_cp.c crypto_verify/sodium/verify.c) \
	$(WRT_SIG_DIR)/wrt_sig_sodium.c
WRT_SIG_HEADERS := $(WRT_SIG_DIR)/wrt_sig.h
WRT_SODIUM_INCLUDES := -I$(WRT_SODIUM_DIR)/include/sodium -I$(WRT_SODIUM_DIR)/crypto_sign/ed25519/ref10
# libsodium's code as it is: the static inline field helpers a file does not use are its only warning.
# CONFIGURED:
# the macros its configure script would set are the portable defaults (no TI mode, no SSE, the
# 25.5-bit field arithmetic, the same on a host and a Cortex-M).
WRT_SODIUM_CFLAGS := -std=c11 -Wall -Wextra -Werror -Wno-unused-function -DCONFIGURED=1 $(WRT_SODIUM_INCLUDES)
WRT_SIG_CFLAGS := -std=c11 -Wall -Wextra -Werror -ffreestanding -I$(WRT_SIG_DIR) $(WRT_SODIUM_INCLUDES)
