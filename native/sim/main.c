/*
 * native-sim's protocol front end: the device side of docs/protocol.md on a POSIX host.
 *
 *   native-sim [--pty] [--device-id ID] [--upload-capacity BYTES] [--profile-capacity BYTES]
 *              [--idle-timeout-ms MS] [--boot-id N] [--arena BYTES]
 *              [--stack-slots N] [--call-depth N] [--table-elements N] [--table-elements-max N]
 *              [--global-slots N] [--memory-pages-max N] [--signing-key HEX]
 *              [--mem-lock] [--mem-populate] [--mem-hugepages] [--mem-typed-memory NAME]
 *   native-sim --measure [--narrow|--unfused] < MODULE
 *   native-sim --locate [--narrow|--unfused] FUNC:CELL... < MODULE
 *
 * --arena: the interpreter's arena (default 16 MiB, targets/native-sim.yaml memory.arenaBytes);
 * --stack-slots ... --memory-pages-max: region sizes instead of those derived from the arena; a
 * session of several instances (docs/protocol.md §4a) shares one arena, so each memory and table
 * must reserve less than the whole region (the spec testsuite's runs set them). A WASI program's
 * argv and environment come in the ARGS message (docs/protocol.md), as on a board.
 *
 * --measure: reads a module on stdin and prints the bytes it takes in the load-time regions
 * (`meta=N code=N control=N`, sim_measure.c), the figures a profile sizes those regions with;
 * --narrow compiles as a 32-bit device does (its code figure is a board's); --unfused as the small
 * executor does (no superinstructions).
 *
 * --locate: the wasm byte offsets of a trap's code sites (function index and code cell, as INVOKE
 * answers carry them), one `FUNC:CELL=OFFSET` line each (sim_measure.c); the form flags as above.
 *
 * --mem-lock, --mem-populate, --mem-hugepages, --mem-typed-memory: how the memory adapter
 * (native/platform/wrt_mem_adapter.h) takes the arena: mlocked, faulted in up front, in huge pages,
 * from a QNX typed memory object. The host passes them from the target definition's
 * memory.adapter (docs/native-sim.md); a refusal ends native-sim with exit 3 and the reason (the
 * limit it met and what to do).
 *
 * --signing-key: an Ed25519 public key (64 hex digits): every module must then be signed by it, as
 * on a board whose firmware was built with WRT_SIGNING_KEY (docs/signing.md). A board gets its key
 * when its firmware is built; native-sim, shipped built, when it starts: the host that starts it
 * is the one that provisions it (`run --signing-key KEY.pub`, or the key a profile requires).
 *
 * stdio (default): frames on stdin/stdout, diagnostics on stderr; exits when stdin ends.
 * --pty: opens a pseudo-terminal and prints `char device redirected to /dev/pts/N (label serial0)`
 * on stdout as QEMU does, so one host harness serves both. Like QEMU it drops what it sends while
 * no host has the terminal open. Runs until killed.
 *
 * Either way native-sim lives no longer than the process that started it: a host killed by SIGKILL
 * closes no pipe while a module runs inside a request, so the kernel is asked to kill native-sim
 * with its parent (Linux), and the loop leaves when the parent changed (every POSIX host).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stddef.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#ifdef __linux__
#include <sys/prctl.h>
#endif

#include "sim_engine.h"
#include "sim_measure.h"
#include "sim_options.h"
#include "wrt_mem_adapter.h"
#include "wrtp_server.h"

#define WRT_SIM_POLL_MS 10

typedef struct wrt_sim_link {
    int in_fd;
    int out_fd;
    int is_pty;
    int connected; /* pty: a host has the terminal open */
} wrt_sim_link;

static uint32_t wrt_sim_now_ms(void *ctx) {
    (void)ctx;
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint32_t)((uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u);
}

static int wrt_sim_pty_connected(int fd) {
    struct pollfd p = {fd, POLLOUT, 0};
    if (poll(&p, 1, 0) < 0) return 0;
    return (p.revents & POLLHUP) == 0;
}

static bool wrt_sim_write(void *ctx, const uint8_t *bytes, size_t len) {
    wrt_sim_link *link = (wrt_sim_link *)ctx;
    if (link->is_pty && !wrt_sim_pty_connected(link->out_fd)) return true; /* dropped, as QEMU does */
    size_t done = 0;
    int stalls = 0;
    while (done < len) {
        ssize_t n = write(link->out_fd, bytes + done, len - done);
        if (n > 0) {
            done += (size_t)n;
            continue;
        }
        if (n < 0 && errno == EINTR) continue;
        if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK) && stalls < 50) {
            /* A host that stopped reading gets 0.5 s before its output is dropped. */
            struct pollfd p = {link->out_fd, POLLOUT, 0};
            (void)poll(&p, 1, WRT_SIM_POLL_MS);
            stalls++;
            continue;
        }
        if (link->is_pty) return true;
        return false;
    }
    return true;
}

/*
 * The port's `read`, pulled while a program waits for the host to answer a host call (HOST_CALL):
 * waits at most one poll interval, so the wait loop neither spins nor misses its resend times.
 */
static size_t wrt_sim_read(void *ctx, uint8_t *o_bytes, size_t cap) {
    wrt_sim_link *link = (wrt_sim_link *)ctx;
    struct pollfd p = {link->in_fd, POLLIN, 0};
    if (poll(&p, 1, WRT_SIM_POLL_MS) <= 0 || (p.revents & POLLIN) == 0) return 0;
    ssize_t n = read(link->in_fd, o_bytes, cap);
    return n > 0 ? (size_t)n : 0u;
}

static int wrt_sim_open_pty(void) {
    int master = posix_openpt(O_RDWR | O_NOCTTY);
    if (master < 0 || grantpt(master) != 0 || unlockpt(master) != 0) {
        perror("native-sim: posix_openpt");
        exit(3);
    }
    const char *name = ptsname(master);
    if (name == NULL) {
        perror("native-sim: ptsname");
        exit(3);
    }
    /* Raw mode is set through the slave and outlives its close, as in QEMU's char-pty. */
    int slave = open(name, O_RDWR | O_NOCTTY);
    if (slave < 0) {
        perror("native-sim: open pty slave");
        exit(3);
    }
    struct termios t;
    if (tcgetattr(slave, &t) == 0) {
        cfmakeraw(&t);
        (void)tcsetattr(slave, TCSANOW, &t);
    }
    close(slave);
    (void)fcntl(master, F_SETFL, fcntl(master, F_GETFL) | O_NONBLOCK);
    printf("char device redirected to %s (label serial0)\n", name);
    fflush(stdout);
    return master;
}

/* The parent when native-sim started; a different getppid() means it died and we were reparented. */
static pid_t wrt_sim_parent;

/* Reads stdin to its end into the buffer; -1 when it holds more than `cap` bytes. */
static long wrt_sim_read_all(uint8_t *o_buf, size_t cap) {
    size_t len = 0;
    for (;;) {
        if (len == cap) {
            uint8_t extra;
            return read(STDIN_FILENO, &extra, 1) > 0 ? -1 : (long)len;
        }
        ssize_t n = read(STDIN_FILENO, o_buf + len, cap - len);
        if (n == 0) return (long)len;
        if (n < 0) {
            if (errno == EINTR) continue;
            return -1;
        }
        len += (size_t)n;
    }
}

static void wrt_sim_watch_parent(void) {
    wrt_sim_parent = getppid();
#ifdef __linux__
    (void)prctl(PR_SET_PDEATHSIG, SIGKILL);
#endif
    /* A parent that died before prctl took effect sends no signal: it shows as a new parent. */
    if (getppid() != wrt_sim_parent) _exit(0);
}

int main(int argc, char **argv) {
    static uint8_t upload[16u * 1024u * 1024u];
    static uint8_t profile[4096];
    static wrtp_server server;
    static wrt_sim_config cfg;
    wrt_sim_config_defaults(&cfg, (unsigned long)getpid());
    wrt_sim_watch_parent();
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        const char *v = i + 1 < argc ? argv[i + 1] : NULL;
        if (strcmp(a, "--measure") == 0) {
            int narrow = v != NULL && strcmp(v, "--narrow") == 0;
            int unfused = v != NULL && strcmp(v, "--unfused") == 0;
            long len = wrt_sim_read_all(upload, sizeof upload);
            if (len < 0) {
                fprintf(stderr, "native-sim: --measure: stdin unreadable or larger than %zu bytes\n", sizeof upload);
                return 2;
            }
            if (unfused) return wrt_sim_measure_unfused(upload, (size_t)len);
            return narrow ? wrt_sim_measure_narrow(upload, (size_t)len) : wrt_sim_measure(upload, (size_t)len);
        } else if (strcmp(a, "--locate") == 0) {
            int narrow = v != NULL && strcmp(v, "--narrow") == 0;
            int unfused = v != NULL && strcmp(v, "--unfused") == 0;
            wrt_code_site sites[WRT_SIM_LOCATE_MAX_SITES];
            uint32_t nsites = 0;
            for (int k = i + 1 + (narrow || unfused ? 1 : 0); k < argc; k++) {
                unsigned long func = 0;
                unsigned long cell = 0;
                char tail = 0;
                if (nsites == WRT_SIM_LOCATE_MAX_SITES || sscanf(argv[k], "%lu:%lu%c", &func, &cell, &tail) != 2 ||
                    func > 0xFFFFFFFEul || cell > 0xFFFFFFFEul) {
                    fprintf(stderr, "native-sim: --locate: \"%s\" is not FUNC:CELL (at most %u sites)\n", argv[k],
                            (unsigned)WRT_SIM_LOCATE_MAX_SITES);
                    return 2;
                }
                sites[nsites].func_index = (uint32_t)func;
                sites[nsites].cell = (uint32_t)cell;
                nsites++;
            }
            long len = wrt_sim_read_all(upload, sizeof upload);
            if (len < 0) {
                fprintf(stderr, "native-sim: --locate: stdin unreadable or larger than %zu bytes\n", sizeof upload);
                return 2;
            }
            if (unfused) return wrt_sim_locate_unfused(upload, (size_t)len, sites, nsites);
            if (narrow) return wrt_sim_locate_narrow(upload, (size_t)len, sites, nsites);
            return wrt_sim_locate(upload, (size_t)len, sites, nsites);
        } else {
            char why[160];
            int took = wrt_sim_parse_option(argc, argv, i, &cfg, why, sizeof why);
            if (took < 0) {
                fprintf(stderr, "native-sim: %s\n", why);
                return 2;
            }
            if (took == 0) {
                fprintf(stderr, "native-sim: unknown or incomplete option: %s\n", a);
                return 2;
            }
            i += took - 1;
        }
    }
    const char *capacities = wrt_sim_capacity_problem(&cfg, sizeof upload, sizeof profile);
    if (capacities != NULL) {
        fprintf(stderr, "native-sim: %s\n", capacities);
        return 2;
    }
    void *engine_ctx = NULL;
    const char *why = "engine refused to start";
    const wrtp_engine_ops *engine = wrt_sim_engine(&cfg.engine, &engine_ctx, &why);
    if (engine == NULL) {
        fprintf(stderr, "native-sim: %s\n", why);
        return 3;
    }
    signal(SIGPIPE, SIG_IGN);

    wrt_sim_link link = {STDIN_FILENO, STDOUT_FILENO, 0, 1};
    if (cfg.use_pty) {
        int master = wrt_sim_open_pty();
        link.in_fd = master;
        link.out_fd = master;
        link.is_pty = 1;
        link.connected = 0;
    }
    wrtp_port port = {&link, wrt_sim_read, wrt_sim_write, wrt_sim_now_ms, NULL};
    if (!wrt_sim_server_start(&server, &cfg, &port, engine, engine_ctx, upload, profile)) {
        fprintf(stderr, "native-sim: protocol server configuration refused\n");
        return 4;
    }
    uint8_t buf[4096];
    for (;;) {
        struct pollfd p = {link.in_fd, POLLIN, 0};
        int ready = poll(&p, 1, WRT_SIM_POLL_MS);
        if (ready < 0 && errno != EINTR) {
            perror("native-sim: poll");
            return 3;
        }
        if (ready > 0 && (p.revents & POLLIN) != 0) {
            ssize_t n = read(link.in_fd, buf, sizeof buf);
            if (n > 0) {
                wrtp_server_feed(&server, buf, (size_t)n);
            } else if (n == 0 && !link.is_pty) {
                return 0;
            } else if (n < 0 && errno != EINTR && errno != EAGAIN && !link.is_pty) {
                perror("native-sim: read");
                return 3;
            }
        } else if (ready > 0 && (p.revents & (POLLHUP | POLLERR)) != 0) {
            if (!link.is_pty) return 0;
            /* No host has the terminal open: poll would return at once, so wait here. */
            struct timespec pause = {0, WRT_SIM_POLL_MS * 1000000L};
            nanosleep(&pause, NULL);
        }
        wrtp_server_tick(&server);
        if (server.link_down && !link.is_pty) return 0;
        if (getppid() != wrt_sim_parent) return 0;
    }
}
