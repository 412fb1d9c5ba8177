// The QNX system page is one contiguous, read-only block that procnto maps into every process.
// Copying it whole (rather than walking sections here) keeps all decoding in the TypeScript
// parser, which is tested byte by byte against recorded dumps.
#include "qnx_syspage.h"

#if defined(__QNX__)

#include <sys/syspage.h>

#include <cstddef>
#include <cstring>

namespace wrt {

Napi::Value GatherQnxSyspage(Napi::Env env) {
  // <sys/syspage.h>: `struct syspage_entry *_syspage_ptr`; `total_size` is the size of the whole
  // system page, this header entry included.
  const struct syspage_entry* syspage = _syspage_ptr;
  if (syspage == nullptr) return env.Null();
  const std::size_t size = syspage->total_size;

  Napi::ArrayBuffer bytes = Napi::ArrayBuffer::New(env, size);
  if (bytes.IsEmpty()) return Napi::Value();
  std::memcpy(bytes.Data(), syspage, size);
  return Napi::Uint8Array::New(env, size, bytes, 0);
}

}  // namespace wrt

#else

namespace wrt {

Napi::Value GatherQnxSyspage(Napi::Env env) { return env.Null(); }

}  // namespace wrt

#endif  // __QNX__
