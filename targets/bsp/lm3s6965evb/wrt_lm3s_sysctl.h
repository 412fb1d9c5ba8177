/* Stellaris LM3S6965 system control registers (Data Sheet, 6 System Control, Register Map). */
#ifndef WRT_LM3S_SYSCTL_H
#define WRT_LM3S_SYSCTL_H

#include "wrt_cortex_m.h"

#define WRT_LM3S_RIS WRT_REG32(0x400FE050u)
#define WRT_LM3S_MISC WRT_REG32(0x400FE058u)
#define WRT_LM3S_RCC WRT_REG32(0x400FE060u)
#define WRT_LM3S_RCC2 WRT_REG32(0x400FE070u)
#define WRT_LM3S_RCGC1 WRT_REG32(0x400FE104u)
#define WRT_LM3S_RCGC2 WRT_REG32(0x400FE108u)

#define WRT_LM3S_RIS_PLLLRIS (1u << 6)
#define WRT_LM3S_RCC_MOSCDIS (1u << 0)
#define WRT_LM3S_RCC_OSCSRC_MASK (3u << 4)
#define WRT_LM3S_RCC_XTAL_MASK (0xFu << 6)
#define WRT_LM3S_RCC_XTAL_8MHZ (0xEu << 6)
#define WRT_LM3S_RCC_BYPASS (1u << 11)
#define WRT_LM3S_RCC_PWRDN (1u << 13)
#define WRT_LM3S_RCC_USESYSDIV (1u << 22)
#define WRT_LM3S_RCC_SYSDIV_SHIFT 23u
#define WRT_LM3S_RCC_SYSDIV_MASK (0xFu << 23)
#define WRT_LM3S_RCC2_USERCC2 (1u << 31)
#define WRT_LM3S_RCGC1_UART0 (1u << 0)
#define WRT_LM3S_RCGC2_GPIOA (1u << 0)

/* GPIO port A: UART0 receive and transmit are PA0 and PA1 in their alternate function. */
#define WRT_LM3S_GPIOA_AFSEL WRT_REG32(0x40004420u)
#define WRT_LM3S_GPIOA_DEN WRT_REG32(0x4000451Cu)
#define WRT_LM3S_GPIOA_UART0_PINS 0x3u

#endif /* WRT_LM3S_SYSCTL_H */
