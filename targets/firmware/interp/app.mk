# The interpreter firmware: protocol server + interpreter core (APP_CORE) + the engine adapter +
# the module-signature check (native/sig, with libsodium's Ed25519 verification).
# The upload buffer is static (.bss, firmware.uploadBufferBytes of the target definition); the arena
# is whatever RAM the link leaves free after it.
#
# WRT_SIGNING_KEY=KEY.pub provisions the Ed25519 public key every module must be signed by
# (docs/signing.md): signing-key.sh writes it into gen/wrt_signing_key.h, rewritten only when the
# key changes. Without it the firmware holds no key and runs unsigned modules.
include $(ROOT)/native/sig/wrt_sig.mk
WRT_SIGNING_KEY ?=

PROTOCOL_DIR := $(ROOT)/native/protocol
# The memory adapter the arena is taken through (native/platform/wrt_mem_adapter.h); the Makefile
# checks that the target definition names the same (memory.adapter.kind).
APP_MEM_ADAPTER := linker-arena
APP_SOURCES := $(addprefix $(FIRMWARE_DIR)/interp/, wrt_fw_main.c wrt_fw_engine.c wrt_fw_layout.c) \
	$(ROOT)/native/platform/wrt_mem_linker.c \
	$(addprefix $(ROOT)/native/engine/, wrt_interp_engine.c wrt_engine_host.c wrt_engine_profile.c wrt_engine_layout.c wrt_engine_natives.c) \
	$(if $(filter 1,$(IMAGE_COMPONENTS)),$(ROOT)/native/engine/wrt_engine_component.c $(addprefix $(ROOT)/native/component/, wrt_cabi.c wrt_cval.c wrt_component.c wrt_handles.c $(if $(filter 1,$(BOARD_WASI2)),wrt_wasi2.c))) \
	$(BSP_DIR)/cortex-m/wrt_board_natives.c \
	$(firstword $(wildcard $(BSP_DIR)/$(BOARD)/wrt_board_gpio.c) $(BSP_DIR)/cortex-m/wrt_board_gpio_none.c) \
	$(addprefix $(ROOT)/native/profile/, wrt_profile.c wrt_profile_module.c) \
	$(addprefix $(PROTOCOL_DIR)/, wrtp_cobs.c wrtp_crc32.c wrtp_frame.c wrtp_msg.c wrtp_server.c wrtp_sha256.c) \
	$(WRT_SIG_SOURCES) $(WRT_SODIUM_SOURCES)
APP_INCLUDES := -I$(FIRMWARE_DIR)/interp -I$(ROOT)/native/platform -I$(PROTOCOL_DIR) -I$(ROOT)/native/interp -I$(ROOT)/native/engine -I$(ROOT)/native/component \
	-I$(ROOT)/native/profile -I$(ROOT)/native/natives -I$(WRT_SIG_DIR) $(WRT_SODIUM_INCLUDES)
# The application's natives (native/natives/wrt_native.h): `deploy --natives FILE.c` passes
# NATIVES=FILE.c and a BUILD folder keyed by the file's hash; without it the table is empty.
APP_NATIVES := $(if $(NATIVES),$(abspath $(NATIVES)),$(ROOT)/native/natives/wrt_native_none.c)
# Everything that includes wrt_mem_adapter.h gets linker-arena's inline functions.
APP_CFLAGS := -DWRT_MEM_LINKER_ARENA
# libsodium's sources with the flags wrt_sig.mk gives them (its unused static helpers, CONFIGURED),
# and on a board compiled by clang the C library headers they include (BOARD_LIBC_INCLUDES).
$(OBJ_DIR)/third_party/%.o: APP_CFLAGS += -Wno-unused-function -DCONFIGURED=1 $(BOARD_LIBC_INCLUDES)
$(OBJ_DIR)/native/sig/%.o: APP_CFLAGS += $(BOARD_LIBC_INCLUDES)

SIGNING_KEY_HEADER := $(OUT)/gen/wrt_signing_key.h
$(OBJ_DIR)/targets/firmware/interp/wrt_fw_engine.o: $(SIGNING_KEY_HEADER)
$(SIGNING_KEY_HEADER): FORCE
	$(Q)sh $(FIRMWARE_DIR)/interp/signing-key.sh "$(WRT_SIGNING_KEY)" $@
.PHONY: FORCE
FORCE:
APP_CORE := 1
APP_REPORT_ARENA := 1
