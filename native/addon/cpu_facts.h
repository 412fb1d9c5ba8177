// CPU feature facts (facts.ts CpuFacts). Exactly one of cpu_x86.cc, cpu_arm64.cc and
// cpu_unknown.cc defines GatherCpuFacts for a given build; the selection below is the only place
// that decides which, so the three files cannot disagree.
#ifndef WRT_CPU_FACTS_H
#define WRT_CPU_FACTS_H

#include <napi.h>

#if defined(__x86_64__)
// CPUID is an instruction: it works on every x86-64 OS. Only the shadow-stack query is Linux's.
#define WRT_CPU_PROBE_X86 1
#elif defined(__aarch64__) && defined(__linux__)
// HWCAP words and the PAC key query come from the Linux auxv and prctl; QNX exposes its CPU
// flags through the system page instead (see qnx_syspage.cc).
#define WRT_CPU_PROBE_ARM64 1
#else
#define WRT_CPU_PROBE_NONE 1
#endif

namespace wrt {

// X86Facts, Arm64Facts or UnknownCpuFacts; an empty value with a pending exception on failure.
Napi::Value GatherCpuFacts(Napi::Env env);

}  // namespace wrt

#endif  // WRT_CPU_FACTS_H
