#include "wrt_exit.h"

#include "wrt_board.h"
#include "wrt_semihost.h"
#include "wrt_sysreset.h"

_Noreturn void wrt_exit(uint32_t code) {
  wrt_board_uart_flush();
#if WRT_BOARD_EXIT_SEMIHOSTING
  wrt_semihost_exit(code);
#else
  (void)code;
  wrt_sysreset();
#endif
}
