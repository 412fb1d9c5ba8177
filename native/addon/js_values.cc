#include "js_values.h"

#include "errno_name.h"

namespace wrt {

bool Put(Napi::Object target, const char* key, Napi::Value value) {
  if (target.IsEmpty() || value.IsEmpty()) return false;
  return target.Set(key, value);
}

Napi::Value OkResult(Napi::Env env, Napi::Value value) {
  Napi::Object result = Napi::Object::New(env);
  if (!Put(result, "ok", Napi::Boolean::New(env, true)) || !Put(result, "value", value)) {
    return Napi::Value();
  }
  return result;
}

Napi::Value ErrnoResult(Napi::Env env, int error_number) {
  Napi::Object result = Napi::Object::New(env);
  if (!Put(result, "ok", Napi::Boolean::New(env, false)) ||
      !Put(result, "errno", Napi::Number::New(env, error_number)) ||
      !Put(result, "name", Napi::String::New(env, ErrnoName(error_number)))) {
    return Napi::Value();
  }
  return result;
}

Napi::Value BigUint64(Napi::Env env, std::uint64_t value) {
  return Napi::BigInt::New(env, value);
}

}  // namespace wrt
