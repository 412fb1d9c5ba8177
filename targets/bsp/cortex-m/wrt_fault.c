#include "wrt_fault.h"

#include "wrt_board.h"
#include "wrt_console.h"
#include "wrt_cortex_m.h"
#include "wrt_exit_codes.h"
#include "wrt_layout.h"
#include "wrt_exit.h"

#define WRT_FAULT_STACK_WORDS 128u
/* The naked entry below names the top of the stack as wrt_fault_stack + 512. */
_Static_assert(WRT_FAULT_STACK_WORDS * 4u == 512u, "wrt_fault_handler assumes a 512-byte fault stack");

/* Used by the naked entry below; not static so the assembler can name it. */
uint32_t wrt_fault_stack[WRT_FAULT_STACK_WORDS] __attribute__((aligned(8)));

_Noreturn void wrt_fault_report(const uint32_t *frame, uint32_t exc_return);

/*
 * Picks the stack the hardware pushed the frame on (EXC_RETURN bit 2), then switches to the fault
 * stack: after a stack overflow the main stack cannot take another push.
 */
__attribute__((naked)) void wrt_fault_handler(void) {
  __asm volatile(
      "tst lr, #4\n\t"
      "ite eq\n\t"
      "mrseq r0, msp\n\t"
      "mrsne r0, psp\n\t"
      "mov r1, lr\n\t"
      "ldr r2, =wrt_fault_stack + 512\n\t"
      "mov sp, r2\n\t"
      "b wrt_fault_report\n\t");
}

static const char *wrt_fault_name(uint32_t exception) {
  switch (exception) {
    case WRT_EXC_NMI: return "NMI";
    case WRT_EXC_HARDFAULT: return "HardFault";
    case WRT_EXC_MEMMANAGE: return "MemManage";
    case WRT_EXC_BUSFAULT: return "BusFault";
    case WRT_EXC_USAGEFAULT: return "UsageFault";
    default: return "exception";
  }
}

/* The frame is only read when it lies wholly in RAM: a failed push leaves garbage in SP. */
static int wrt_fault_frame_readable(const uint32_t *frame) {
  uint32_t address = (uint32_t)(uintptr_t)frame;
  return (address & 3u) == 0u && address >= wrt_layout_address(__wrt_ram_start) &&
         address <= wrt_layout_address(__wrt_ram_end) - 8u * sizeof(uint32_t);
}

static void wrt_fault_field(const char *name, uint32_t value) {
  wrt_console_puts(" ");
  wrt_console_puts(name);
  wrt_console_puts("=");
  wrt_console_hex32(value);
}

_Noreturn void wrt_fault_report(const uint32_t *frame, uint32_t exc_return) {
  uint32_t exception = wrt_ipsr();
  uint32_t code = exception >= WRT_EXC_NMI && exception <= WRT_EXC_USAGEFAULT ? WRT_EXIT_FAULT_BASE + exception : WRT_EXIT_UNEXPECTED_IRQ;
  wrt_console_puts("\r\n*** wrt fault: ");
  wrt_console_puts(wrt_fault_name(exception));
  wrt_console_puts(" (exception ");
  wrt_console_u32(exception);
  wrt_console_puts(")\r\n***");
  if (wrt_fault_frame_readable(frame)) {
    wrt_fault_field("pc", frame[6]);
    wrt_fault_field("lr", frame[5]);
    wrt_fault_field("psr", frame[7]);
  } else {
    wrt_fault_field("sp", (uint32_t)(uintptr_t)frame);
    wrt_console_puts(" (frame outside RAM)");
  }
  wrt_fault_field("exc_return", exc_return);
  wrt_console_puts("\r\n***");
  wrt_fault_field("cfsr", WRT_SCB_CFSR);
  wrt_fault_field("hfsr", WRT_SCB_HFSR);
  wrt_fault_field("mmfar", WRT_SCB_MMFAR);
  wrt_fault_field("bfar", WRT_SCB_BFAR);
  wrt_console_puts("\r\n*** exit ");
  wrt_console_u32(code);
  wrt_console_puts("\r\n");
  wrt_exit(code);
}

_Noreturn void wrt_fault_unexpected(uint32_t exception) {
  wrt_console_puts("\r\n*** wrt fault: unexpected exception ");
  wrt_console_u32(exception);
  wrt_console_puts("\r\n*** exit ");
  wrt_console_u32(WRT_EXIT_UNEXPECTED_IRQ);
  wrt_console_puts("\r\n");
  wrt_exit(WRT_EXIT_UNEXPECTED_IRQ);
}
