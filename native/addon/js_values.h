// Small builders for the JavaScript values of facts.ts. The addon is compiled with
// NAPI_DISABLE_CPP_EXCEPTIONS: a failed N-API call leaves a pending JavaScript exception and an
// empty Napi::Value. Every builder here returns an empty value on failure, and Put refuses empty
// values, so callers check one bool per property and return an empty value upwards.
#ifndef WRT_JS_VALUES_H
#define WRT_JS_VALUES_H

#include <napi.h>

#include <cstdint>

namespace wrt {

// target[key] = value; false when target or value is empty or the property could not be set.
bool Put(Napi::Object target, const char* key, Napi::Value value);

// { ok: true, value }
Napi::Value OkResult(Napi::Env env, Napi::Value value);

// { ok: false, errno, name } for a syscall that failed with error_number.
Napi::Value ErrnoResult(Napi::Env env, int error_number);

// A 64-bit quantity as a JavaScript bigint, so no value above 2^53 is rounded.
Napi::Value BigUint64(Napi::Env env, std::uint64_t value);

}  // namespace wrt

#endif  // WRT_JS_VALUES_H
