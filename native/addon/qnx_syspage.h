#ifndef WRT_QNX_SYSPAGE_H
#define WRT_QNX_SYSPAGE_H

#include <napi.h>

namespace wrt {

// On QNX: a Uint8Array copy of the system page (_syspage_ptr, total_size bytes), decoded by the
// TypeScript SYSPAGE parser. null on every other OS.
Napi::Value GatherQnxSyspage(Napi::Env env);

}  // namespace wrt

#endif  // WRT_QNX_SYSPAGE_H
