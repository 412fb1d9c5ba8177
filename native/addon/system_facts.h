#ifndef WRT_SYSTEM_FACTS_H
#define WRT_SYSTEM_FACTS_H

#include <napi.h>

namespace wrt {

// facts.ts SystemFacts: sysinfo(2) total RAM (ENOSYS where the OS has no sysinfo),
// sysconf(_SC_PAGESIZE) and sysconf(_SC_NPROCESSORS_ONLN). A sysconf that fails yields -1, its
// documented error value, so TypeScript sees the raw answer.
Napi::Value GatherSystemFacts(Napi::Env env);

}  // namespace wrt

#endif  // WRT_SYSTEM_FACTS_H
