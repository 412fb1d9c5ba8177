/*
 * Armv7-M system registers (System Control Space) used by the board support, and the few
 * instructions C cannot express. Addresses from the Armv7-M Architecture Reference Manual,
 * B3.2 "System Control Space"; identical on every Cortex-M3/M4/M7.
 */
#ifndef WRT_CORTEX_M_H
#define WRT_CORTEX_M_H

#include <stdint.h>

#define WRT_REG32(address) (*(volatile uint32_t *)(uintptr_t)(address))

/* SysTick (B3.3) */
#define WRT_SYST_CSR WRT_REG32(0xE000E010u)
#define WRT_SYST_RVR WRT_REG32(0xE000E014u)
#define WRT_SYST_CVR WRT_REG32(0xE000E018u)
#define WRT_SYST_CSR_ENABLE (1u << 0)
#define WRT_SYST_CSR_TICKINT (1u << 1)
#define WRT_SYST_CSR_CLKSOURCE_CPU (1u << 2)
#define WRT_SYST_RVR_MAX 0x00FFFFFFu

/* NVIC (B3.4): one set-enable bit per external interrupt, 32 to a register. */
#define WRT_NVIC_ISER(index) WRT_REG32(0xE000E100u + 4u * (index))
#define WRT_NVIC_ICER(index) WRT_REG32(0xE000E180u + 4u * (index))

/* System control block (B3.2.2) */
#define WRT_SCB_ICSR WRT_REG32(0xE000ED04u)
#define WRT_SCB_VTOR WRT_REG32(0xE000ED08u)
#define WRT_SCB_AIRCR WRT_REG32(0xE000ED0Cu)
#define WRT_SCB_CCR WRT_REG32(0xE000ED14u)
#define WRT_SCB_SHCSR WRT_REG32(0xE000ED24u)
#define WRT_SCB_CFSR WRT_REG32(0xE000ED28u)
#define WRT_SCB_HFSR WRT_REG32(0xE000ED2Cu)
#define WRT_SCB_MMFAR WRT_REG32(0xE000ED34u)
#define WRT_SCB_BFAR WRT_REG32(0xE000ED38u)
#define WRT_SCB_CPACR WRT_REG32(0xE000ED88u)

#define WRT_AIRCR_VECTKEY (0x05FAu << 16)
#define WRT_AIRCR_PRIGROUP_MASK (7u << 8)
#define WRT_AIRCR_SYSRESETREQ (1u << 2)
#define WRT_CCR_DIV_0_TRP (1u << 4)
#define WRT_SHCSR_MEMFAULTENA (1u << 16)
#define WRT_SHCSR_BUSFAULTENA (1u << 17)
#define WRT_SHCSR_USGFAULTENA (1u << 18)
/* CP10 and CP11 (the FPU) full access. */
#define WRT_CPACR_FPU_FULL (0xFu << 20)

/* Exception numbers (B1.5.2), as IPSR reports them. */
#define WRT_EXC_NMI 2u
#define WRT_EXC_HARDFAULT 3u
#define WRT_EXC_MEMMANAGE 4u
#define WRT_EXC_BUSFAULT 5u
#define WRT_EXC_USAGEFAULT 6u
#define WRT_EXC_SVCALL 11u
#define WRT_EXC_PENDSV 14u
#define WRT_EXC_SYSTICK 15u
#define WRT_EXC_FIRST_IRQ 16u

static inline void wrt_dsb(void) { __asm volatile("dsb 0xF" ::: "memory"); }
static inline void wrt_isb(void) { __asm volatile("isb 0xF" ::: "memory"); }
static inline void wrt_wfi(void) { __asm volatile("wfi" ::: "memory"); }
static inline void wrt_irq_enable(void) { __asm volatile("cpsie i" ::: "memory"); }
static inline void wrt_irq_disable(void) { __asm volatile("cpsid i" ::: "memory"); }

/* PRIMASK before masking, so nested critical sections restore what they found. */
static inline uint32_t wrt_irq_save(void) {
  uint32_t primask;
  __asm volatile("mrs %0, primask\n\tcpsid i" : "=r"(primask)::"memory");
  return primask;
}

static inline void wrt_irq_restore(uint32_t primask) { __asm volatile("msr primask, %0" ::"r"(primask) : "memory"); }

static inline uint32_t wrt_ipsr(void) {
  uint32_t ipsr;
  __asm volatile("mrs %0, ipsr" : "=r"(ipsr));
  return ipsr & 0x1FFu;
}

static inline void wrt_nvic_enable_irq(uint32_t irq) { WRT_NVIC_ISER(irq / 32u) = 1u << (irq % 32u); }

#endif /* WRT_CORTEX_M_H */
