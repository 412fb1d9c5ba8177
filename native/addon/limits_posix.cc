// Resource limits of this process, as getrlimit(2) reports them. Limits are per process and
// inherited, so they are the ones a runtime started from the same shell would get.
#include "rlimits.h"

#include <sys/resource.h>

#include <cerrno>
#include <cstdint>

#include "js_values.h"

namespace wrt {
namespace {

// RLIM_INFINITY is "no limit", not a very large number: null keeps the two apart in TypeScript.
Napi::Value LimitValue(Napi::Env env, rlim_t value) {
  if (value == RLIM_INFINITY) return env.Null();
  return BigUint64(env, static_cast<std::uint64_t>(value));
}

Napi::Value ReadRlimit(Napi::Env env, int resource) {
  struct rlimit limit;
  if (getrlimit(resource, &limit) != 0) {
    const int error_number = errno;
    return ErrnoResult(env, error_number);
  }
  Napi::Object pair = Napi::Object::New(env);
  if (!Put(pair, "soft", LimitValue(env, limit.rlim_cur)) ||
      !Put(pair, "hard", LimitValue(env, limit.rlim_max))) {
    return Napi::Value();
  }
  return OkResult(env, pair);
}

}  // namespace

Napi::Value GatherRlimits(Napi::Env env) {
  Napi::Object limits = Napi::Object::New(env);
  if (!Put(limits, "stack", ReadRlimit(env, RLIMIT_STACK)) ||
      !Put(limits, "as", ReadRlimit(env, RLIMIT_AS)) ||
      !Put(limits, "data", ReadRlimit(env, RLIMIT_DATA)) ||
      !Put(limits, "nofile", ReadRlimit(env, RLIMIT_NOFILE))) {
    return Napi::Value();
  }
  return limits;
}

}  // namespace wrt
