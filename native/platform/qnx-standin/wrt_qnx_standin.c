/*
 * The stand-in of QNX typed memory on Linux (qnx-standin/sys/mman.h): each pool is a name with a
 * total and a largest contiguous block. posix_typed_mem_open answers a memfd; opened for
 * POSIX_TYPED_MEM_ALLOCATE_CONTIG it is sized to the contiguous block, so the adapter's mmap of
 * the descriptor is a real shared mapping of real pages. posix_typed_mem_get_info answers from the
 * pool's figures for the kind the descriptor was opened for. It does not count what is mapped:
 * every allocation sees the whole pool (enough for the tests, which check one allocation at a time).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#define WRT_QNX_STANDIN_POOLS 4
#define WRT_QNX_STANDIN_FDS 64

static struct {
    char name[64];
    size_t total;
    size_t contiguous;
} wrt_qnx_pools[WRT_QNX_STANDIN_POOLS];

/* Which pool and kind each descriptor the stand-in opened was opened for (-1: none). */
static struct {
    int pool;
    int tflag;
} wrt_qnx_fds[WRT_QNX_STANDIN_FDS];
static int wrt_qnx_fds_ready;

int wrt_qnx_standin_pool(const char *name, size_t total_bytes, size_t contiguous_bytes) {
    for (int i = 0; i < WRT_QNX_STANDIN_POOLS; i++) {
        if (wrt_qnx_pools[i].name[0] != '\0') continue;
        if (strlen(name) >= sizeof wrt_qnx_pools[i].name) return -1;
        strcpy(wrt_qnx_pools[i].name, name);
        wrt_qnx_pools[i].total = total_bytes;
        wrt_qnx_pools[i].contiguous = contiguous_bytes;
        return 0;
    }
    return -1;
}

int posix_typed_mem_open(const char *name, int oflag, int tflag) {
    if (!wrt_qnx_fds_ready) {
        for (int i = 0; i < WRT_QNX_STANDIN_FDS; i++) wrt_qnx_fds[i].pool = -1;
        wrt_qnx_fds_ready = 1;
    }
    int pool = -1;
    for (int i = 0; i < WRT_QNX_STANDIN_POOLS && pool < 0; i++) {
        if (wrt_qnx_pools[i].name[0] != '\0' && strcmp(wrt_qnx_pools[i].name, name) == 0) pool = i;
    }
    if (pool < 0) {
        errno = ENOENT;
        return -1;
    }
    (void)oflag;
    int fd = memfd_create("wrt-qnx-typed-memory", MFD_CLOEXEC);
    if (fd < 0) return -1;
    if (fd >= WRT_QNX_STANDIN_FDS ||
        ((tflag & POSIX_TYPED_MEM_ALLOCATE_CONTIG) != 0 && ftruncate(fd, (off_t)wrt_qnx_pools[pool].contiguous) != 0)) {
        close(fd);
        errno = EMFILE;
        return -1;
    }
    wrt_qnx_fds[fd].pool = pool;
    wrt_qnx_fds[fd].tflag = tflag;
    return fd;
}

int posix_typed_mem_get_info(int fd, struct posix_typed_mem_info *info) {
    if (fd < 0 || fd >= WRT_QNX_STANDIN_FDS || !wrt_qnx_fds_ready || wrt_qnx_fds[fd].pool < 0) {
        errno = EBADF;
        return -1;
    }
    int pool = wrt_qnx_fds[fd].pool;
    int tflag = wrt_qnx_fds[fd].tflag;
    info->posix_tmi_length = (tflag & POSIX_TYPED_MEM_ALLOCATE_CONTIG) != 0 ? wrt_qnx_pools[pool].contiguous
                             : (tflag & POSIX_TYPED_MEM_ALLOCATE) != 0      ? wrt_qnx_pools[pool].total
                                                                           : 0u;
    return 0;
}
