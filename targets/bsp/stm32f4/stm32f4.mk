# The STM32F4 support every STM32F4 board's board.mk adds to its sources.
STM32F4_DIR := $(BSP_DIR)/stm32f4
STM32F4_SOURCES := $(addprefix $(STM32F4_DIR)/, wrt_stm32f4_board.c wrt_stm32f4_clock.c wrt_stm32f4_gpio.c wrt_stm32f4_usart.c)
