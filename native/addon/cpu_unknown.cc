// Builds without a CPU probe say so, with the target they were built for, instead of guessing.
#include "cpu_facts.h"

#if defined(WRT_CPU_PROBE_NONE)

#include <string>

#include "build_target.h"
#include "js_values.h"

namespace wrt {

Napi::Value GatherCpuFacts(Napi::Env env) {
  std::string reason = std::string("addon built for ") + kBuildArch;
  if (std::string(kBuildArch) == "aarch64") {
    // AArch64 off Linux (QNX, Darwin): no getauxval/prctl; QNX's CPU flags are in the syspage.
    reason += std::string(" on ") + kBuildOs;
  }
  reason += ": no CPU feature probe";

  Napi::Object facts = Napi::Object::New(env);
  if (!Put(facts, "kind", Napi::String::New(env, "unknown")) ||
      !Put(facts, "reason", Napi::String::New(env, reason))) {
    return Napi::Value();
  }
  return facts;
}

}  // namespace wrt

#endif  // WRT_CPU_PROBE_NONE
