#include "wrt_bringup.h"

#include "wrt_bringup_out.h"
#include "wrt_bsp_port.h"

int main(void) {
  char line[WRT_BRINGUP_LINE_MAX + 1u];
  uint32_t length = 0u;
  int overflowed = 0;
  wrt_bringup_banner();
  wrt_bringup_puts("ready\r\n");
  for (;;) {
    int received = wrt_port_read_byte();
    if (received == WRT_PORT_NO_BYTE) {
      wrt_port_idle();
      continue;
    }
    uint8_t byte = (uint8_t)received;
    if (byte == WRT_BRINGUP_ENQ) {
      wrt_bringup_byte(WRT_BRINGUP_ACK);
      continue;
    }
    if (byte != '\r' && byte != '\n') {
      wrt_bringup_byte(byte);
      if (length < WRT_BRINGUP_LINE_MAX) {
        line[length++] = (char)byte;
      } else {
        overflowed = 1;
      }
      continue;
    }
    wrt_bringup_puts("\r\n");
    line[length] = '\0';
    if (overflowed) {
      wrt_bringup_puts("error line longer than 64 bytes\r\n");
    } else if (length > 0u) {
      wrt_bringup_run(line);
    }
    length = 0u;
    overflowed = 0;
  }
}
