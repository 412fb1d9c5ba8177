# The bring-up program: a test of the board support alone (UART echo, tick, faults, exit codes).
APP_SOURCES := $(addprefix $(FIRMWARE_DIR)/bringup/, wrt_bringup_main.c wrt_bringup_commands.c wrt_bringup_faults.c wrt_bringup_out.c)
APP_INCLUDES := -I$(FIRMWARE_DIR)/bringup
APP_CFLAGS :=
