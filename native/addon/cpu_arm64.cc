// AArch64 Linux: the kernel's HWCAP words (BTI, PAC, MTE, ... live there) and the enabled PAC
// keys of this thread. Decoding the bits is TypeScript's job.
#include "cpu_facts.h"

#if defined(WRT_CPU_PROBE_ARM64)

#include <sys/auxv.h>
#include <sys/prctl.h>

#include <cerrno>
#include <cstdint>

#include "js_values.h"

// Linux 5.13 added PR_PAC_GET_ENABLED_KEYS; older C library headers do not define it. The value is
// the kernel ABI (include/uapi/linux/prctl.h), so defining it here is safe: an older kernel
// answers EINVAL.
#ifndef PR_PAC_GET_ENABLED_KEYS
#define PR_PAC_GET_ENABLED_KEYS 61
#endif

// AT_HWCAP2 is 26 in the kernel ABI; very old glibc headers lack it.
#ifndef AT_HWCAP2
#define AT_HWCAP2 26
#endif

namespace wrt {
namespace {

Napi::Value PacEnabledKeys(Napi::Env env) {
  const int rc = prctl(PR_PAC_GET_ENABLED_KEYS, 0UL, 0UL, 0UL, 0UL);
  const int error_number = errno;
  if (rc < 0) return ErrnoResult(env, error_number);
  return OkResult(env, Napi::Number::New(env, rc));
}

}  // namespace

Napi::Value GatherCpuFacts(Napi::Env env) {
  const std::uint64_t hwcap = getauxval(AT_HWCAP);
  const std::uint64_t hwcap2 = getauxval(AT_HWCAP2);

  Napi::Object facts = Napi::Object::New(env);
  if (!Put(facts, "kind", Napi::String::New(env, "aarch64")) ||
      !Put(facts, "hwcap", BigUint64(env, hwcap)) ||
      !Put(facts, "hwcap2", BigUint64(env, hwcap2)) ||
      !Put(facts, "pacEnabledKeys", PacEnabledKeys(env))) {
    return Napi::Value();
  }
  return facts;
}

}  // namespace wrt

#endif  // WRT_CPU_PROBE_ARM64
