// Machine-wide sizes: physical RAM, page size, online CPUs.
#include "system_facts.h"

#include <unistd.h>

#include <cerrno>
#include <cstdint>

#if defined(__linux__)
#include <sys/sysinfo.h>
#endif

#include "js_values.h"

namespace wrt {
namespace {

Napi::Value TotalRamBytes(Napi::Env env) {
#if defined(__linux__)
  struct sysinfo info;
  if (sysinfo(&info) != 0) {
    const int error_number = errno;
    return ErrnoResult(env, error_number);
  }
  // totalram is counted in mem_unit-sized units; 64-bit arithmetic avoids the 32-bit overflow
  // that made the kernel introduce mem_unit in the first place.
  const std::uint64_t bytes =
      static_cast<std::uint64_t>(info.totalram) * static_cast<std::uint64_t>(info.mem_unit);
  return OkResult(env, BigUint64(env, bytes));
#else
  // QNX reports RAM through the system page, Darwin through sysctl: no sysinfo(2) to ask.
  return ErrnoResult(env, ENOSYS);
#endif
}

}  // namespace

Napi::Value GatherSystemFacts(Napi::Env env) {
  const long page_size = sysconf(_SC_PAGESIZE);
  const long online_cpus = sysconf(_SC_NPROCESSORS_ONLN);

  Napi::Object facts = Napi::Object::New(env);
  if (!Put(facts, "totalRamBytes", TotalRamBytes(env)) ||
      !Put(facts, "pageSize", Napi::Number::New(env, static_cast<double>(page_size))) ||
      !Put(facts, "onlineCpus", Napi::Number::New(env, static_cast<double>(online_cpus)))) {
    return Napi::Value();
  }
  return facts;
}

}  // namespace wrt
