# The interpreter firmware: protocol server + interpreter core (APP_CORE) + the engine adapter.
# The upload buffer is static (.bss, firmware.uploadBufferBytes of the target definition); the arena
# is whatever RAM the link leaves free after it.

PROTOCOL_DIR := $(ROOT)/native/protocol
APP_SOURCES := $(addprefix $(FIRMWARE_DIR)/interp/, wrt_fw_main.c wrt_fw_engine.c wrt_fw_layout.c) \
	$(addprefix $(ROOT)/native/engine/, wrt_interp_engine.c wrt_engine_host.c wrt_engine_profile.c wrt_engine_layout.c wrt_engine_natives.c) \
	$(BSP_DIR)/cortex-m/wrt_board_natives.c \
	$(firstword $(wildcard $(BSP_DIR)/$(BOARD)/wrt_board_gpio.c) $(BSP_DIR)/cortex-m/wrt_board_gpio_none.c) \
	$(addprefix $(ROOT)/native/profile/, wrt_profile.c wrt_profile_module.c) \
	$(addprefix $(PROTOCOL_DIR)/, wrtp_cobs.c wrtp_crc32.c wrtp_frame.c wrtp_msg.c wrtp_server.c wrtp_sha256.c)
APP_INCLUDES := -I$(FIRMWARE_DIR)/interp -I$(PROTOCOL_DIR) -I$(ROOT)/native/interp -I$(ROOT)/native/engine \
	-I$(ROOT)/native/profile -I$(ROOT)/native/natives
# The application's natives (native/natives/wrt_native.h): `deploy --natives FILE.c` passes
# NATIVES=FILE.c and a BUILD folder keyed by the file's hash; without it the table is empty.
APP_NATIVES := $(if $(NATIVES),$(abspath $(NATIVES)),$(ROOT)/native/natives/wrt_native_none.c)
APP_CFLAGS :=
APP_CORE := 1
APP_REPORT_ARENA := 1
