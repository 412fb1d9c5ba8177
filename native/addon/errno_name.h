#ifndef WRT_ERRNO_NAME_H
#define WRT_ERRNO_NAME_H

#include <string>

namespace wrt {

// Symbolic name of an errno value ("EINVAL"), or "errno <n>" for a value this build's <errno.h>
// does not name. Where two names share a value (EOPNOTSUPP/ENOTSUP, EAGAIN/EWOULDBLOCK on Linux)
// the first POSIX name in the table wins, so the result is stable across C libraries.
std::string ErrnoName(int error_number);

}  // namespace wrt

#endif  // WRT_ERRNO_NAME_H
