#ifndef WRT_RLIMITS_H
#define WRT_RLIMITS_H

#include <napi.h>

namespace wrt {

// facts.ts Rlimits: getrlimit for STACK, AS, DATA and NOFILE, each { soft, hard } as bigint with
// null for RLIM_INFINITY, or the errno of a failed getrlimit.
Napi::Value GatherRlimits(Napi::Env env);

}  // namespace wrt

#endif  // WRT_RLIMITS_H
