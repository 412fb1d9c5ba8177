/*
 * Stand-in for QNX's <sys/mman.h> on Linux: the host's header plus the POSIX typed memory
 * declarations QNX's has (names and meanings as in POSIX.1-2017 and the QNX C library reference;
 * the flag values are this stand-in's). Put this folder on the include path with -isystem before
 * the system's, and link qnx-standin/wrt_qnx_standin.c, which implements the calls with memfd.
 * Only the QNX adapter's tests use it (docs/qnx.md: nothing here ran on QNX).
 */
#ifndef WRT_QNX_STANDIN_SYS_MMAN_H
#define WRT_QNX_STANDIN_SYS_MMAN_H

#include_next <sys/mman.h>
#include <stddef.h>

#define POSIX_TYPED_MEM_ALLOCATE 0x01
#define POSIX_TYPED_MEM_ALLOCATE_CONTIG 0x02
#define POSIX_TYPED_MEM_MAP_ALLOCATABLE 0x04

struct posix_typed_mem_info {
    size_t posix_tmi_length; /* the most one allocation of the kind the descriptor was opened for gets */
};

int posix_typed_mem_open(const char *name, int oflag, int tflag);
int posix_typed_mem_get_info(int fd, struct posix_typed_mem_info *info);

/* The stand-in's own: defines a typed memory object (at most 4). Not in QNX. */
int wrt_qnx_standin_pool(const char *name, size_t total_bytes, size_t contiguous_bytes);

#endif
