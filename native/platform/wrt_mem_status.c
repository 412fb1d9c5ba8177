/* The status phrases of the hosted adapters' diagnostics (a firmware links none of them). */
#include "wrt_mem_adapter.h"

const char *wrt_mem_status_text(wrt_mem_status status) {
    switch (status) {
    case WRT_MEM_OK: return "ok";
    case WRT_MEM_NO_MEMORY: return "not enough memory";
    case WRT_MEM_LOCK_LIMIT: return "cannot lock that much";
    case WRT_MEM_NO_HUGEPAGES: return "no huge pages";
    case WRT_MEM_UNSUPPORTED: return "not supported by this adapter";
    case WRT_MEM_NO_POOL: return "no typed memory of that name";
    case WRT_MEM_BAD_REQUEST: return "bad request";
    }
    return "unknown status";
}
