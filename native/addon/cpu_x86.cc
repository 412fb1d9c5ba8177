// x86-64: raw CPUID leaves and the kernel's shadow-stack status. Which bits mean what is decided
// in TypeScript; the only interpretation here is the family/model folding facts.ts asks for.
#include "cpu_facts.h"

#if defined(WRT_CPU_PROBE_X86)

#include <cpuid.h>

#include <cerrno>
#include <cstring>
#include <string>

#if defined(__linux__)
#include <sys/syscall.h>
#include <unistd.h>
#endif

#include "js_values.h"

namespace wrt {
namespace {

struct CpuidRegs {
  unsigned int eax;
  unsigned int ebx;
  unsigned int ecx;
  unsigned int edx;
};

CpuidRegs Cpuid(unsigned int leaf, unsigned int subleaf) {
  CpuidRegs regs{0, 0, 0, 0};
  __cpuid_count(leaf, subleaf, regs.eax, regs.ebx, regs.ecx, regs.edx);
  return regs;
}

Napi::Value RegistersObject(Napi::Env env, const CpuidRegs& regs) {
  Napi::Object object = Napi::Object::New(env);
  if (!Put(object, "eax", Napi::Number::New(env, regs.eax)) ||
      !Put(object, "ebx", Napi::Number::New(env, regs.ebx)) ||
      !Put(object, "ecx", Napi::Number::New(env, regs.ecx)) ||
      !Put(object, "edx", Napi::Number::New(env, regs.edx))) {
    return Napi::Value();
  }
  return object;
}

// Leaf 0 spells the vendor in EBX, EDX, ECX order.
std::string VendorString(const CpuidRegs& leaf0) {
  char vendor[12];
  std::memcpy(vendor + 0, &leaf0.ebx, 4);
  std::memcpy(vendor + 4, &leaf0.edx, 4);
  std::memcpy(vendor + 8, &leaf0.ecx, 4);
  return std::string(vendor, sizeof vendor);
}

// Leaves 0x80000002..4 hold 48 bytes of NUL-padded text that vendors also pad with spaces.
std::string BrandString() {
  const unsigned int max_extended_leaf = Cpuid(0x80000000u, 0).eax;
  if (max_extended_leaf < 0x80000004u) return "";
  char brand[48];
  for (unsigned int i = 0; i < 3; ++i) {
    const CpuidRegs regs = Cpuid(0x80000002u + i, 0);
    std::memcpy(brand + 16 * i + 0, &regs.eax, 4);
    std::memcpy(brand + 16 * i + 4, &regs.ebx, 4);
    std::memcpy(brand + 16 * i + 8, &regs.ecx, 4);
    std::memcpy(brand + 16 * i + 12, &regs.edx, 4);
  }
  std::string text(brand, strnlen(brand, sizeof brand));
  const std::size_t first = text.find_first_not_of(' ');
  if (first == std::string::npos) return "";
  const std::size_t last = text.find_last_not_of(' ');
  return text.substr(first, last - first + 1);
}

struct Signature {
  unsigned int family;
  unsigned int model;
  unsigned int stepping;
};

// Intel SDM vol. 2A (CPUID, "Display Family/Model") and AMD APM vol. 3 (CPUID Fn0000_0001_EAX):
// the extended family is added only when the base family is 0xF; the extended model is prefixed
// only when the base family is 6 or 0xF.
Signature DisplaySignature(unsigned int leaf1_eax) {
  const unsigned int stepping = leaf1_eax & 0xFu;
  const unsigned int base_model = (leaf1_eax >> 4) & 0xFu;
  const unsigned int base_family = (leaf1_eax >> 8) & 0xFu;
  const unsigned int extended_model = (leaf1_eax >> 16) & 0xFu;
  const unsigned int extended_family = (leaf1_eax >> 20) & 0xFFu;
  const unsigned int family = base_family == 0xFu ? base_family + extended_family : base_family;
  const unsigned int model = (base_family == 0x6u || base_family == 0xFu)
                                 ? (extended_model << 4) + base_model
                                 : base_model;
  return Signature{family, model, stepping};
}

// ARCH_SHSTK_STATUS only reads the thread's enabled-feature word. ARCH_SHSTK_ENABLE is never
// issued: enabling a shadow stack under a running Node would kill it at the first return.
Napi::Value ShadowStackStatus(Napi::Env env) {
#if defined(__linux__)
  constexpr int kArchShstkStatus = 0x5005;
  unsigned long features = 0;
  const long rc = syscall(SYS_arch_prctl, kArchShstkStatus, &features);
  const int error_number = errno;
  if (rc != 0) return ErrnoResult(env, error_number);
  return OkResult(env, Napi::Number::New(env, static_cast<double>(features)));
#else
  return ErrnoResult(env, ENOSYS);
#endif
}

}  // namespace

Napi::Value GatherCpuFacts(Napi::Env env) {
  const CpuidRegs leaf0 = Cpuid(0, 0);
  const unsigned int max_leaf = leaf0.eax;
  CpuidRegs leaf1 = Cpuid(1, 0);
  // EBX bits 31..24 are the initial APIC id of whichever core ran CPUID: not a fact about the
  // machine, and two calls on different cores would disagree. Reported as 0.
  leaf1.ebx &= 0x00FFFFFFu;
  const Signature signature = DisplaySignature(leaf1.eax);
  Napi::Value leaf7 = env.Null();
  if (max_leaf >= 7) leaf7 = RegistersObject(env, Cpuid(7, 0));

  Napi::Object facts = Napi::Object::New(env);
  if (!Put(facts, "kind", Napi::String::New(env, "x86_64")) ||
      !Put(facts, "vendor", Napi::String::New(env, VendorString(leaf0))) ||
      !Put(facts, "brand", Napi::String::New(env, BrandString())) ||
      !Put(facts, "family", Napi::Number::New(env, signature.family)) ||
      !Put(facts, "model", Napi::Number::New(env, signature.model)) ||
      !Put(facts, "stepping", Napi::Number::New(env, signature.stepping)) ||
      !Put(facts, "maxLeaf", Napi::Number::New(env, max_leaf)) ||
      !Put(facts, "leaf1", RegistersObject(env, leaf1)) || !Put(facts, "leaf7", leaf7) ||
      !Put(facts, "shstkStatus", ShadowStackStatus(env))) {
    return Napi::Value();
  }
  return facts;
}

}  // namespace wrt

#endif  // WRT_CPU_PROBE_X86
