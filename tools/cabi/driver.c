/* Dev-only driver of the canonical ABI differential (tools/cabi/differential.py): one case a
 * line on stdin, one result a line on stdout. The bump realloc and the handle table here mirror
 * the ones the harness gives definitions.py, so both sides see the same guest.
 *
 * Case:   enc max_flat mem_len fault_call fault_mode max_string max_list type_hex
 *         nvals value... nmut mutation...
 *         value: hex scalar | s<enc>:<tagged hex>:<bytes hex> | l<count> | r
 *         mutation: f:<index>:<hex> (a flat value) | m:<addr>:<hex byte>
 * Result: <L|R|OK><status> nflat flat... nvals value... nrealloc old,old_size,align,new,ret...
 *         memory hex without trailing zero bytes */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "wrt_cabi.h"
#include "line_tokens.h"

#define MAX_MEM 65536u
#define MAX_NODES 1024u
#define MAX_VALS (1u << 18)
#define MAX_POOL (1u << 20)
#define MAX_LOG 4096u
#define MAX_HANDLES 4096u
#define MAX_LINE (1u << 22)

typedef struct { uint32_t old, old_size, align, new_size, ret; } realloc_call;
typedef struct { uint32_t rt, rep; uint8_t used, own; uint32_t lends; } handle;

static uint8_t mem[MAX_MEM];
static uint8_t pool[MAX_POOL];
static wrt_cabi_type nodes[MAX_NODES];
static wrt_cabi_val in_vals[MAX_VALS], out_vals[MAX_VALS];
static realloc_call log_[MAX_LOG];
static handle table[MAX_HANDLES];
static uint32_t free_[MAX_HANDLES];
static char line[MAX_LINE];

static struct {
    uint32_t mem_len, next, calls, fault_call, fault_mode, nlog, table_len, nfree;
} g;

static int bump_realloc(void *ctx, uint32_t old, uint32_t old_size, uint32_t align,
                        uint32_t new_size, uint32_t *o_ptr) {
    uint64_t ret;
    uint32_t k = g.calls++;
    (void)ctx;
    if (old != 0u && new_size <= old_size) {
        ret = old;
    } else {
        uint32_t n = old_size < new_size ? old_size : new_size;
        ret = ((uint64_t)g.next + align - 1u) / align * align;
        g.next = (uint32_t)(ret + new_size);
        if (old != 0u && (uint64_t)old + n <= g.mem_len && ret + n <= g.mem_len)
            memmove(mem + ret, mem + old, n);
    }
    if (k == g.fault_call) ret = g.fault_mode == 1u ? ret + 1u : 0xfffffff0u;
    if (g.nlog < MAX_LOG) log_[g.nlog++] = (realloc_call){old, old_size, align, new_size, (uint32_t)ret};
    *o_ptr = (uint32_t)ret;
    return WRT_CABI_OK;
}

static int lower_handle(void *ctx, uint8_t kind, uint32_t rt, uint32_t rep, uint32_t *o_index) {
    uint32_t i;
    (void)ctx;
    if (g.nfree > 0u) i = free_[--g.nfree];
    else if (g.table_len < MAX_HANDLES) i = g.table_len++;
    else return WRT_CABI_TRAP_HANDLE;
    table[i] = (handle){rt, rep, 1, kind == WRT_CABI_OWN, 0};
    *o_index = i;
    return WRT_CABI_OK;
}

static int lift_handle(void *ctx, uint8_t kind, uint32_t rt, uint32_t index, uint32_t *o_rep) {
    handle *h;
    (void)ctx;
    if (index >= g.table_len || !table[index].used) return WRT_CABI_TRAP_HANDLE;
    h = &table[index];
    if (kind == WRT_CABI_OWN) {
        h->used = 0;
        free_[g.nfree++] = index;
        if (h->rt != rt || h->lends != 0u || !h->own) return WRT_CABI_TRAP_HANDLE;
    } else {
        if (h->rt != rt) return WRT_CABI_TRAP_HANDLE;
        h->lends++;
    }
    *o_rep = h->rep;
    return WRT_CABI_OK;
}

static uint32_t unhex(const char *s, uint8_t *out, uint32_t cap) {
    uint32_t n = 0;
    while (s[0] != '\0' && s[1] != '\0' && n < cap) {
        char b[3] = {s[0], s[1], 0};
        out[n++] = (uint8_t)strtoul(b, 0, 16);
        s += 2;
    }
    return n;
}

static void put_hex(const uint8_t *b, uint32_t n) {
    uint32_t i;
    for (i = 0; i < n; i++) printf("%02x", b[i]);
}

static void print_vals(const wrt_cabi_val *v, uint32_t n) {
    uint32_t i;
    printf(" %u", n);
    for (i = 0; i < n; i++) {
        /* the lifted slot's meaning depends on the type; the harness reads each by its type */
        if ((v[i].aux & WRT_CABI_IN_MEMORY) != 0u) {
            uint32_t enc = v[i].aux & 0xffu, bytes = v[i].n;
            if (enc == WRT_CABI_UTF16) bytes = 2u * v[i].n;
            if (enc == WRT_CABI_LATIN1_UTF16 && (v[i].n & WRT_CABI_UTF16_TAG) != 0u)
                bytes = 2u * (v[i].n ^ WRT_CABI_UTF16_TAG);
            printf(" s%u:%x:", enc, v[i].n);
            put_hex(mem + v[i].u, bytes);
        } else {
            printf(" %llx:%x", (unsigned long long)v[i].u, v[i].n);
        }
    }
}


static int one_case(char *p) {
    wrt_cabi_cx cx;
    uint8_t tbytes[4096];
    uint64_t flat[WRT_CABI_MAX_FLAT_PARAMS];
    uint32_t enc, max_flat, ntb, ncount, used, nvals, i, npool = 0, nflat = 0, nout = 0, nmut, hi;
    uint32_t max_string, max_list;
    char *tok;
    int rc;
    char phase = 'L';
#define NEXT() (tok = next_token(&p))
    if (*NEXT() == '\0') return 0;
    enc = (uint32_t)strtoul(tok, 0, 10);
    max_flat = (uint32_t)strtoul(NEXT(), 0, 10);
    g.mem_len = (uint32_t)strtoul(NEXT(), 0, 10);
    g.fault_call = (uint32_t)strtoul(NEXT(), 0, 10);
    g.fault_mode = (uint32_t)strtoul(NEXT(), 0, 10);
    max_string = (uint32_t)strtoul(NEXT(), 0, 10);
    max_list = (uint32_t)strtoul(NEXT(), 0, 10);
    if (g.mem_len > MAX_MEM) return -1;
    ntb = unhex(NEXT(), tbytes, sizeof tbytes);
    nvals = (uint32_t)strtoul(NEXT(), 0, 10);
    if (nvals > MAX_VALS) return -1;
    for (i = 0; i < nvals; i++) {
        NEXT();
        in_vals[i] = (wrt_cabi_val){0};
        if (tok[0] == 's') {
            char *rest;
            in_vals[i].aux = (uint32_t)strtoul(tok + 1, &rest, 10);
            in_vals[i].n = (uint32_t)strtoul(rest + 1, &rest, 16);
            in_vals[i].u = npool;
            npool += unhex(rest + 1, pool + npool, MAX_POOL - npool);
        } else if (tok[0] == 'l') {
            in_vals[i].n = (uint32_t)strtoul(tok + 1, 0, 10);
        } else if (tok[0] != 'r') {
            in_vals[i].u = strtoull(tok, 0, 16);
        }
    }
    memset(mem, 0, g.mem_len);
    g.next = 16;
    g.calls = g.nlog = g.nfree = 0;
    g.table_len = 1;
    cx = (wrt_cabi_cx){mem, g.mem_len, (uint8_t)enc, max_string, max_list, pool, npool,
                       {0, bump_realloc, lower_handle, lift_handle}};
    rc = wrt_cabi_parse_type(tbytes, ntb, nodes, MAX_NODES, &ncount, &used);
    if (rc == WRT_CABI_OK && used != ntb) rc = WRT_CABI_ERR_TYPE;
    if (rc == WRT_CABI_OK) rc = wrt_cabi_lower_values(&cx, nodes, in_vals, nvals, max_flat, flat, &nflat);
    nmut = (uint32_t)strtoul(NEXT(), 0, 10);
    if (rc == WRT_CABI_OK) {
        for (i = 0; i < nmut; i++) {
            char *rest;
            uint32_t at;
            NEXT();
            at = (uint32_t)strtoul(tok + 2, &rest, 10);
            if (tok[0] == 'f' && at < nflat) flat[at] = strtoull(rest + 1, 0, 16);
            if (tok[0] == 'm' && at < g.mem_len) mem[at] = (uint8_t)strtoul(rest + 1, 0, 16);
        }
        phase = 'R';
        rc = wrt_cabi_lift_values(&cx, nodes, flat, nflat, max_flat, out_vals, MAX_VALS, &nout);
    }
    if (phase == 'L' && rc != WRT_CABI_OK) nflat = 0;
    printf("%c%d %u", rc == WRT_CABI_OK ? 'K' : phase, rc, nflat);
    for (i = 0; i < nflat; i++) printf(" %llx", (unsigned long long)flat[i]);
    print_vals(out_vals, rc == WRT_CABI_OK ? nout : 0);
    printf(" %u", g.nlog);
    for (i = 0; i < g.nlog; i++)
        printf(" %x,%x,%x,%x,%x", log_[i].old, log_[i].old_size, log_[i].align, log_[i].new_size, log_[i].ret);
    for (hi = g.mem_len; hi > 0u && mem[hi - 1u] == 0u; hi--) {}
    printf(" m");
    put_hex(mem, hi);
    printf("\n");
    return 1;
#undef NEXT
}

int main(void) {
    while (fgets(line, sizeof line, stdin) != 0) {
        int rc = one_case(line);
        if (rc < 0) { fprintf(stderr, "cabi driver: malformed case\n"); return 2; }
        fflush(stdout);
    }
    return 0;
}
