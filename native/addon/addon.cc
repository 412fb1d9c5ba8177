// wrt_probe: gathers facts about the machine the toolchain runs on. Only registration and the
// assembly of the NativeFacts object (ts/native/facts.ts) live here; each concern has its file.
#include <napi.h>

#include "build_target.h"
#include "cpu_facts.h"
#include "js_values.h"
#include "qnx_syspage.h"
#include "rlimits.h"
#include "system_facts.h"

namespace {

Napi::Value GatherFacts(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  Napi::Object facts = Napi::Object::New(env);
  if (!wrt::Put(facts, "arch", Napi::String::New(env, wrt::kBuildArch)) ||
      !wrt::Put(facts, "os", Napi::String::New(env, wrt::kBuildOs)) ||
      !wrt::Put(facts, "cpu", wrt::GatherCpuFacts(env)) ||
      !wrt::Put(facts, "rlimits", wrt::GatherRlimits(env)) ||
      !wrt::Put(facts, "system", wrt::GatherSystemFacts(env)) ||
      !wrt::Put(facts, "qnxSyspage", wrt::GatherQnxSyspage(env))) {
    // A failed N-API call has normally thrown already; never return a half-built object silently.
    if (!env.IsExceptionPending()) {
      Napi::Error::New(env, "wrt_probe: could not build the facts object")
          .ThrowAsJavaScriptException();
    }
    return Napi::Value();
  }
  return facts;
}

Napi::Object Init(Napi::Env env, Napi::Object exports) {
  if (!wrt::Put(exports, "gatherFacts", Napi::Function::New(env, GatherFacts, "gatherFacts"))) {
    return Napi::Object();
  }
  return exports;
}

}  // namespace

NODE_API_MODULE(wrt_probe, Init)
