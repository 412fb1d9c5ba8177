/*
 * Unit tests of native/protocol, run by test/protocol/c-unit.test.ts. Vectors shared with the
 * TypeScript codec arrive on stdin, one per line (generated from test/protocol/vectors.json):
 *   crc32 <hex> <crc as 8 hex digits>
 *   sha256 <hex> <digest hex>
 *   cobs <plain hex> <encoded hex>           ("-" stands for no bytes)
 *   frame <type> <flags> <seq> <body hex> <wire hex, delimiter included>
 *   invoke <body hex> <fuel> <name> <nargs> [<type> <bits hex>]...
 *   session <request hex> <mode, 255 = query> <features, 255 = none> <answer hex> <mode> <instances> <max> <latest> <regs>
 *           <max regs> <features>
 *   named <body hex> <instance> <name hex>
 *   invoke_on <body hex> <fuel> <instance> <name hex> <nargs> [<type> <bits hex>]...
 *   host_imports <body hex> <flags> <count> [<module hex> <field hex> <param types hex> <result types hex>]...
 *   host_call <body hex> <boot id> <call id> <import> <nargs> [<type> <bits hex>]...
 *   host_result <body hex> <boot id> <call id> <status> <nresults> [<type> <bits hex>]...
 *   host_trace <body hex> <trap> <module hex> <field hex> <nargs> [<type> <bits hex>]... <nresults> [...]...
 *   log_record <body hex> <level> <context hex> <message hex>
 * Prints one line per failure and `passed N failed M` at the end; exits 1 on any failure.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "wrtp_cobs.h"
#include "wrtp_crc32.h"
#include "wrtp_frame.h"
#include "wrtp_msg.h"
#include "wrtp_server.h"
#include "wrtp_sha256.h"

static int passed, failed;

#define CHECK(cond, ...)                                              \
    do {                                                              \
        if (cond) {                                                   \
            passed++;                                                 \
        } else {                                                      \
            failed++;                                                 \
            printf("FAIL %s:%d: ", __FILE__, __LINE__);               \
            printf(__VA_ARGS__);                                      \
            printf("\n");                                             \
        }                                                             \
    } while (0)

static size_t from_hex(const char *hex, uint8_t *out, size_t cap) {
    if (strcmp(hex, "-") == 0) return 0;
    size_t n = strlen(hex) / 2;
    if (n > cap) return (size_t)-1;
    for (size_t i = 0; i < n; i++) {
        unsigned v;
        if (sscanf(hex + 2 * i, "%2x", &v) != 1) return (size_t)-1;
        out[i] = (uint8_t)v;
    }
    return n;
}

static void to_hex(const uint8_t *b, size_t n, char *out) {
    for (size_t i = 0; i < n; i++) sprintf(out + 2 * i, "%02x", b[i]);
    out[2 * n] = '\0';
}

static uint8_t scratch_a[70000], scratch_b[70000], scratch_c[70000];

/* The next tokens `<count> [<type> <bits hex>]...` of a vector line; returns the count. */
static unsigned read_values(wrtp_wire_value *o_values) {
    unsigned count = (unsigned)strtoul(strtok(NULL, " \n"), NULL, 10);
    for (unsigned i = 0; i < count && i < WRTP_PROTO_MAX_VALUES; i++) {
        o_values[i].type = (uint8_t)strtoul(strtok(NULL, " \n"), NULL, 10);
        o_values[i].bits = strtoull(strtok(NULL, " \n"), NULL, 16);
    }
    return count;
}
static char hex_a[140001], line[300000];

static void run_vector(char *text) {
    char *kind = strtok(text, " \n");
    if (kind == NULL) return;
    if (strcmp(kind, "crc32") == 0) {
        size_t n = from_hex(strtok(NULL, " \n"), scratch_a, sizeof scratch_a);
        unsigned long want = strtoul(strtok(NULL, " \n"), NULL, 16);
        uint32_t got = wrtp_crc32_update(0, scratch_a, n);
        CHECK(got == (uint32_t)want, "crc32 vector: got %08x want %08lx", got, want);
        /* Incremental use must agree with one pass. */
        uint32_t split = wrtp_crc32_update(wrtp_crc32_update(0, scratch_a, n / 2), scratch_a + n / 2, n - n / 2);
        CHECK(split == got, "crc32 split: got %08x want %08x", split, got);
    } else if (strcmp(kind, "sha256") == 0) {
        size_t n = from_hex(strtok(NULL, " \n"), scratch_a, sizeof scratch_a);
        const char *want = strtok(NULL, " \n");
        uint8_t d[32];
        wrtp_sha256(scratch_a, n, d);
        to_hex(d, 32, hex_a);
        CHECK(strcmp(hex_a, want) == 0, "sha256 vector (%zu bytes): got %s want %s", n, hex_a, want);
    } else if (strcmp(kind, "cobs") == 0) {
        size_t n = from_hex(strtok(NULL, " \n"), scratch_a, sizeof scratch_a);
        size_t m = from_hex(strtok(NULL, " \n"), scratch_b, sizeof scratch_b);
        size_t e = wrtp_cobs_encode(scratch_a, n, scratch_c, sizeof scratch_c);
        CHECK(e == m && memcmp(scratch_c, scratch_b, m) == 0, "cobs encode of %zu bytes: got %zu bytes want %zu", n, e, m);
        wrtp_cobs_decoder dec;
        static uint8_t buf[70000];
        wrtp_cobs_decoder_init(&dec, buf, sizeof buf);
        enum wrtp_cobs_result r = WRTP_COBS_MORE;
        for (size_t i = 0; i < m; i++) r = wrtp_cobs_push(&dec, scratch_b[i]);
        r = wrtp_cobs_push(&dec, 0);
        CHECK(r == WRTP_COBS_FRAME && dec.len == n && memcmp(buf, scratch_a, n) == 0, "cobs decode: result %d len %zu want %zu",
              (int)r, dec.len, n);
    } else if (strcmp(kind, "frame") == 0) {
        unsigned type = (unsigned)strtoul(strtok(NULL, " \n"), NULL, 0);
        unsigned flags = (unsigned)strtoul(strtok(NULL, " \n"), NULL, 0);
        unsigned seq = (unsigned)strtoul(strtok(NULL, " \n"), NULL, 0);
        size_t body = from_hex(strtok(NULL, " \n"), scratch_a + 8, sizeof scratch_a - 12);
        size_t wire = from_hex(strtok(NULL, " \n"), scratch_b, sizeof scratch_b);
        size_t n = wrtp_frame_finish(scratch_a, sizeof scratch_a, (uint8_t)type, (uint8_t)flags, (uint16_t)seq, body);
        size_t e = wrtp_cobs_encode(scratch_a, n, scratch_c, sizeof scratch_c);
        scratch_c[e++] = 0;
        CHECK(e == wire && memcmp(scratch_c, scratch_b, wire) == 0, "frame type %u seq %u: wire differs", type, seq);
        wrtp_frame f;
        CHECK(wrtp_frame_parse(scratch_a, n, &f) == WRTP_PERR_NONE && f.type == type && f.seq == seq &&
                  f.body_len == body,
              "frame type %u: parse back", type);
    } else if (strcmp(kind, "invoke") == 0) {
        size_t n = from_hex(strtok(NULL, " \n"), scratch_a, sizeof scratch_a);
        unsigned long long fuel = strtoull(strtok(NULL, " \n"), NULL, 10);
        const char *name = strtok(NULL, " \n");
        unsigned nargs = (unsigned)strtoul(strtok(NULL, " \n"), NULL, 10);
        wrtp_msg_invoke msg;
        uint32_t bad = 0;
        bool ok = wrtp_msg_decode_invoke(scratch_a, n, &msg, &bad);
        CHECK(ok && msg.fuel == fuel && msg.name_len == strlen(name) && memcmp(msg.name, name, msg.name_len) == 0 &&
                  msg.nargs == nargs,
              "invoke vector %s: decode (bad offset %u)", name, bad);
        for (unsigned i = 0; ok && i < nargs && i < msg.nargs; i++) {
            unsigned type = (unsigned)strtoul(strtok(NULL, " \n"), NULL, 10);
            unsigned long long bits = strtoull(strtok(NULL, " \n"), NULL, 16);
            CHECK(msg.args[i].type == type && msg.args[i].bits == bits, "invoke vector %s: arg %u", name, i);
        }
        /* Every cut of the body is refused, never read past. */
        int cuts_refused = 0;
        for (size_t cut = 0; cut < n; cut++) cuts_refused += wrtp_msg_decode_invoke(scratch_a, cut, &msg, &bad) ? 0 : 1;
        CHECK(cuts_refused == (int)n, "invoke vector %s: %d of %zu cuts refused", name, cuts_refused, n);
    } else if (strcmp(kind, "session") == 0) {
        size_t n = from_hex(strtok(NULL, " \n"), scratch_a, sizeof scratch_a);
        unsigned want_mode = (unsigned)strtoul(strtok(NULL, " \n"), NULL, 10);
        unsigned want_features = (unsigned)strtoul(strtok(NULL, " \n"), NULL, 10);
        const char *want_answer = strtok(NULL, " \n");
        unsigned f[7];
        for (int i = 0; i < 7; i++) f[i] = (unsigned)strtoul(strtok(NULL, " \n"), NULL, 10);
        uint8_t mode = 0;
        uint8_t features = 0;
        uint32_t bad = 0;
        CHECK(wrtp_msg_decode_session(scratch_a, n, &mode, &features, &bad) && mode == want_mode && features == want_features,
              "session request: mode %u want %u, features %u want %u", mode, want_mode, features, want_features);
        wrtp_msg_session answer = {(uint8_t)f[0], (uint8_t)f[6], (uint16_t)f[1], (uint16_t)f[2], (uint16_t)f[3], (uint16_t)f[4], (uint16_t)f[5]};
        wrtp_wr wr;
        wrtp_wr_init(&wr, scratch_b, sizeof scratch_b);
        wrtp_msg_encode_session(&wr, &answer);
        to_hex(scratch_b, wr.len, hex_a);
        CHECK(!wr.bad && strcmp(hex_a, want_answer) == 0, "session answer: got %s want %s", hex_a, want_answer);
        /* An unknown feature bit and a third byte are refused, at the byte that is wrong. */
        const uint8_t unknown_bit[2] = {1, 2};
        const uint8_t three[3] = {1, 1, 0};
        CHECK(!wrtp_msg_decode_session(unknown_bit, 2, &mode, &features, &bad) && bad == 1, "session features 0x02: bad at %u", bad);
        CHECK(!wrtp_msg_decode_session(three, 3, &mode, &features, &bad) && bad == 2, "session of 3 bytes: bad at %u", bad);
    } else if (strcmp(kind, "named") == 0) {
        size_t n = from_hex(strtok(NULL, " \n"), scratch_a, sizeof scratch_a);
        unsigned instance = (unsigned)strtoul(strtok(NULL, " \n"), NULL, 10);
        size_t name_len = from_hex(strtok(NULL, " \n"), scratch_b, sizeof scratch_b);
        wrtp_msg_named msg;
        uint32_t bad = 0;
        bool ok = wrtp_msg_decode_named(scratch_a, n, &msg, &bad);
        CHECK(ok && msg.instance == instance && msg.name_len == name_len && memcmp(msg.name, scratch_b, name_len) == 0,
              "named vector (instance %u, %zu-byte name): decode (bad offset %u)", instance, name_len, bad);
        int cuts_refused = 0;
        for (size_t cut = 0; cut < n; cut++) cuts_refused += wrtp_msg_decode_named(scratch_a, cut, &msg, &bad) ? 0 : 1;
        CHECK(cuts_refused == (int)n, "named vector: %d of %zu cuts refused", cuts_refused, n);
    } else if (strcmp(kind, "invoke_on") == 0) {
        size_t n = from_hex(strtok(NULL, " \n"), scratch_a, sizeof scratch_a);
        unsigned long long fuel = strtoull(strtok(NULL, " \n"), NULL, 10);
        unsigned instance = (unsigned)strtoul(strtok(NULL, " \n"), NULL, 10);
        size_t name_len = from_hex(strtok(NULL, " \n"), scratch_b, sizeof scratch_b);
        unsigned nargs = (unsigned)strtoul(strtok(NULL, " \n"), NULL, 10);
        static wrtp_msg_invoke msg;
        uint32_t bad = 0;
        bool ok = wrtp_msg_decode_invoke_ext(scratch_a, n, true, &msg, &bad);
        CHECK(ok && msg.fuel == fuel && msg.has_instance && msg.instance == instance && msg.name_len == name_len &&
                  memcmp(msg.name, scratch_b, name_len) == 0 && msg.nargs == nargs,
              "invoke_on vector (instance %u): decode (bad offset %u)", instance, bad);
        for (unsigned i = 0; ok && i < nargs && i < msg.nargs; i++) {
            unsigned type = (unsigned)strtoul(strtok(NULL, " \n"), NULL, 10);
            unsigned long long bits = strtoull(strtok(NULL, " \n"), NULL, 16);
            CHECK(msg.args[i].type == type && msg.args[i].bits == bits, "invoke_on vector: arg %u", i);
        }
        /* A device without sessions reads the long-name form as an empty name, refused at offset 8. */
        bool long_form = name_len == 0 || name_len > WRTP_PROTO_MAX_NAME;
        CHECK(!long_form || (!wrtp_msg_decode_invoke(scratch_a, n, &msg, &bad) && bad == 8),
              "invoke_on vector: long-name form refused without sessions (offset %u)", bad);
        /* Every cut is refused but the one that drops exactly the instance id: a version 1 body. */
        int cuts_refused = 0;
        for (size_t cut = 0; cut < n; cut++) {
            bool cut_ok = wrtp_msg_decode_invoke_ext(scratch_a, cut, true, &msg, &bad);
            if (cut == n - 2u) CHECK(cut_ok && !msg.has_instance, "invoke_on vector: body without the instance id");
            else cuts_refused += cut_ok ? 0 : 1;
        }
        CHECK(cuts_refused == (int)n - 1, "invoke_on vector: %d of %zu cuts refused", cuts_refused, n - 1u);
    } else if (strcmp(kind, "host_imports") == 0) {
        size_t n = from_hex(strtok(NULL, " \n"), scratch_a, sizeof scratch_a);
        unsigned flags = (unsigned)strtoul(strtok(NULL, " \n"), NULL, 10);
        unsigned count = (unsigned)strtoul(strtok(NULL, " \n"), NULL, 10);
        static wrtp_msg_host_imports msg;
        uint32_t bad = 0;
        bool ok = wrtp_msg_decode_host_imports(scratch_a, n, &msg, &bad);
        CHECK(ok && msg.flags == flags && msg.count == count, "host_imports vector: decode (bad offset %u)", bad);
        for (unsigned i = 0; ok && i < count && i < msg.count; i++) {
            const wrtp_host_import *imp = &msg.imports[i];
            size_t ml = from_hex(strtok(NULL, " \n"), scratch_b, sizeof scratch_b);
            CHECK(imp->module_len == ml && memcmp(imp->module, scratch_b, ml) == 0, "host_imports vector: import %u module", i);
            size_t fl = from_hex(strtok(NULL, " \n"), scratch_b, sizeof scratch_b);
            CHECK(imp->field_len == fl && memcmp(imp->field, scratch_b, fl) == 0, "host_imports vector: import %u field", i);
            size_t pl = from_hex(strtok(NULL, " \n"), scratch_b, sizeof scratch_b);
            CHECK(imp->nparams == pl && memcmp(imp->params, scratch_b, pl) == 0, "host_imports vector: import %u params", i);
            size_t rl = from_hex(strtok(NULL, " \n"), scratch_b, sizeof scratch_b);
            CHECK(imp->nresults == rl && memcmp(imp->results, scratch_b, rl) == 0, "host_imports vector: import %u results", i);
        }
        int cuts_refused = 0;
        for (size_t cut = 0; cut < n; cut++) cuts_refused += wrtp_msg_decode_host_imports(scratch_a, cut, &msg, &bad) ? 0 : 1;
        CHECK(cuts_refused == (int)n, "host_imports vector: %d of %zu cuts refused", cuts_refused, n);
    } else if (strcmp(kind, "host_call") == 0 || strcmp(kind, "host_result") == 0) {
        bool is_call = strcmp(kind, "host_call") == 0;
        const char *want = strtok(NULL, " \n");
        size_t n = from_hex(want, scratch_a, sizeof scratch_a);
        uint32_t boot = (uint32_t)strtoul(strtok(NULL, " \n"), NULL, 10);
        uint32_t call_id = (uint32_t)strtoul(strtok(NULL, " \n"), NULL, 10);
        uint8_t third = (uint8_t)strtoul(strtok(NULL, " \n"), NULL, 10);
        wrtp_wire_value values[WRTP_PROTO_MAX_VALUES];
        unsigned count = read_values(values);
        if (is_call) {
            const wrtp_msg_host_call call = {boot, call_id, third, (uint8_t)count, values};
            wrtp_wr wr;
            wrtp_wr_init(&wr, scratch_b, sizeof scratch_b);
            wrtp_msg_encode_host_call(&wr, &call);
            to_hex(scratch_b, wr.len, hex_a);
            CHECK(!wr.bad && strcmp(hex_a, want) == 0, "host_call vector: got %s want %s", hex_a, want);
        } else {
            static wrtp_msg_host_result msg;
            uint32_t bad = 0;
            bool ok = wrtp_msg_decode_host_result(scratch_a, n, &msg, &bad);
            CHECK(ok && msg.boot_id == boot && msg.call_id == call_id && msg.status == third && msg.nresults == count,
                  "host_result vector: decode (bad offset %u)", bad);
            for (unsigned i = 0; ok && i < count && i < msg.nresults; i++) {
                CHECK(msg.results[i].type == values[i].type && msg.results[i].bits == values[i].bits, "host_result vector: result %u", i);
            }
            int cuts_refused = 0;
            for (size_t cut = 0; cut < n; cut++) cuts_refused += wrtp_msg_decode_host_result(scratch_a, cut, &msg, &bad) ? 0 : 1;
            CHECK(cuts_refused == (int)n, "host_result vector: %d of %zu cuts refused", cuts_refused, n);
        }
    } else if (strcmp(kind, "host_trace") == 0) {
        const char *want = strtok(NULL, " \n");
        uint32_t trap = (uint32_t)strtoul(strtok(NULL, " \n"), NULL, 10);
        static uint8_t module[256], field[256];
        size_t ml = from_hex(strtok(NULL, " \n"), module, sizeof module);
        size_t fl = from_hex(strtok(NULL, " \n"), field, sizeof field);
        wrtp_wire_value values[2][WRTP_PROTO_MAX_VALUES];
        unsigned counts[2];
        counts[0] = read_values(values[0]);
        counts[1] = read_values(values[1]);
        const wrtp_msg_host_trace trace = {trap, module, (uint8_t)ml, field, (uint8_t)fl, (uint8_t)counts[0], values[0],
                                           (uint8_t)counts[1], values[1]};
        wrtp_wr wr;
        wrtp_wr_init(&wr, scratch_b, sizeof scratch_b);
        wrtp_msg_encode_host_trace(&wr, &trace);
        to_hex(scratch_b, wr.len, hex_a);
        CHECK(!wr.bad && strcmp(hex_a, want) == 0, "host_trace vector: got %s want %s", hex_a, want);
    } else if (strcmp(kind, "breakpoints") == 0) {
        /* breakpoints <body hex> <count> [<func>]... */
        size_t n = from_hex(strtok(NULL, " \n"), scratch_a, sizeof scratch_a);
        unsigned count = (unsigned)strtoul(strtok(NULL, " \n"), NULL, 10);
        static wrtp_msg_breakpoints msg;
        uint32_t bad = 0;
        bool ok = wrtp_msg_decode_breakpoints(scratch_a, n, &msg, &bad);
        CHECK(ok && msg.count == count, "breakpoints vector: decode (bad offset %u)", bad);
        for (unsigned i = 0; ok && i < count; i++) {
            uint32_t f = (uint32_t)strtoul(strtok(NULL, " \n"), NULL, 10);
            CHECK(msg.funcs[i] == f, "breakpoints vector: func %u is %u, want %u", i, msg.funcs[i], f);
        }
        int cuts_refused = 0;
        for (size_t cut = 0; cut < n; cut++) cuts_refused += wrtp_msg_decode_breakpoints(scratch_a, cut, &msg, &bad) ? 0 : 1;
        CHECK(cuts_refused == (int)n, "breakpoints vector: %d of %zu cuts refused", cuts_refused, n);
    } else if (strcmp(kind, "break") == 0) {
        /* break <body hex> <hit> <func> <depth> <nargs> [<type> <bits>]... <nframes> [<func> <cell>]... */
        const char *want = strtok(NULL, " \n");
        uint32_t hit = (uint32_t)strtoul(strtok(NULL, " \n"), NULL, 10);
        uint32_t func = (uint32_t)strtoul(strtok(NULL, " \n"), NULL, 10);
        uint32_t depth = (uint32_t)strtoul(strtok(NULL, " \n"), NULL, 10);
        wrtp_wire_value values[WRTP_PROTO_MAX_VALUES];
        unsigned count = read_values(values);
        unsigned nframes = (unsigned)strtoul(strtok(NULL, " \n"), NULL, 10);
        wrtp_trap_frame frames[WRTP_PROTO_MAX_TRAP_FRAMES];
        for (unsigned i = 0; i < nframes && i < WRTP_PROTO_MAX_TRAP_FRAMES; i++) {
            frames[i].func = (uint32_t)strtoul(strtok(NULL, " \n"), NULL, 10);
            frames[i].cell = (uint32_t)strtoul(strtok(NULL, " \n"), NULL, 10);
        }
        const wrtp_msg_break msg = {hit, func, depth, (uint8_t)count, values, (uint8_t)nframes, frames};
        wrtp_wr wr;
        wrtp_wr_init(&wr, scratch_b, sizeof scratch_b);
        wrtp_msg_encode_break(&wr, &msg);
        to_hex(scratch_b, wr.len, hex_a);
        CHECK(!wr.bad && strcmp(hex_a, want) == 0, "break vector: got %s want %s", hex_a, want);
    } else if (strcmp(kind, "log_record") == 0) {
        const char *want = strtok(NULL, " \n");
        uint8_t level = (uint8_t)strtoul(strtok(NULL, " \n"), NULL, 10);
        static uint8_t context[256], message[1024];
        size_t cl = from_hex(strtok(NULL, " \n"), context, sizeof context);
        size_t ml = from_hex(strtok(NULL, " \n"), message, sizeof message);
        wrtp_wr wr;
        wrtp_wr_init(&wr, scratch_b, sizeof scratch_b);
        wrtp_msg_encode_log_record(&wr, level, context, cl, message, ml);
        to_hex(scratch_b, wr.len, hex_a);
        CHECK(!wr.bad && strcmp(hex_a, want) == 0, "log_record vector: got %s want %s", hex_a, want);
        /* A writer too small for the message cuts it, never the record's head. */
        wrtp_wr_init(&wr, scratch_b, 2u + cl);
        wrtp_msg_encode_log_record(&wr, level, context, cl, message, ml);
        CHECK(!wr.bad && wr.len == 2u + cl, "log_record vector: cut to %zu bytes", wr.len);
    } else {
        CHECK(0, "unknown vector kind %s", kind);
    }
}

static uint32_t rng_state = 12345u;
static void test_host_call(void);
static uint32_t rng(void) {
    rng_state = rng_state * 1664525u + 1013904223u;
    return rng_state >> 8;
}

static void test_cobs_round_trips(void) {
    static uint8_t plain[3000], enc[3100], buf[3000];
    int bad = 0;
    for (int round = 0; round < 300; round++) {
        size_t n = rng() % 3000u;
        unsigned zero_rate = rng() % 4u;
        for (size_t i = 0; i < n; i++) plain[i] = (zero_rate > 0 && rng() % (zero_rate * 40u) == 0) ? 0 : (uint8_t)(rng() % 256u);
        size_t e = wrtp_cobs_encode(plain, n, enc, sizeof enc);
        if (e == 0 || e > WRTP_COBS_MAX_ENCODED(n) || memchr(enc, 0, e) != NULL) bad++;
        wrtp_cobs_decoder dec;
        wrtp_cobs_decoder_init(&dec, buf, sizeof buf);
        for (size_t i = 0; i < e; i++) wrtp_cobs_push(&dec, enc[i]);
        if (wrtp_cobs_push(&dec, 0) != WRTP_COBS_FRAME || dec.len != n || memcmp(buf, plain, n) != 0) bad++;
    }
    CHECK(bad == 0, "cobs round trips: %d of 300 failed", bad);
}

static void test_cobs_resync(void) {
    static uint8_t buf[64];
    wrtp_cobs_decoder dec;
    wrtp_cobs_decoder_init(&dec, buf, sizeof buf);
    /* Garbage that ends inside a block, then a valid frame: the garbage is reported, the frame decodes. */
    const uint8_t garbage[] = {0x05, 0x11, 0x22, 0x00};
    enum wrtp_cobs_result r = WRTP_COBS_MORE;
    for (size_t i = 0; i < sizeof garbage; i++) r = wrtp_cobs_push(&dec, garbage[i]);
    CHECK(r == WRTP_COBS_MALFORMED, "garbage cut inside a block: %d", (int)r);
    const uint8_t frame[] = {0x03, 0x11, 0x22, 0x02, 0x33, 0x00};
    for (size_t i = 0; i < sizeof frame; i++) r = wrtp_cobs_push(&dec, frame[i]);
    CHECK(r == WRTP_COBS_FRAME && dec.len == 4 && buf[0] == 0x11 && buf[2] == 0 && buf[3] == 0x33, "frame after garbage");
    /* Longer than the buffer: reported once at the delimiter, then the next frame decodes. */
    for (int i = 0; i < 500; i++) r = wrtp_cobs_push(&dec, 0x7F);
    CHECK(r == WRTP_COBS_MORE, "oversize in progress");
    r = wrtp_cobs_push(&dec, 0);
    CHECK(r == WRTP_COBS_TOO_LARGE, "oversize reported: %d", (int)r);
    for (size_t i = 0; i < sizeof frame; i++) r = wrtp_cobs_push(&dec, frame[i]);
    CHECK(r == WRTP_COBS_FRAME && dec.len == 4, "frame after oversize");
    CHECK(wrtp_cobs_push(&dec, 0) == WRTP_COBS_MORE, "empty frame ignored");
}

static void test_sha256_long(void) {
    /* FIPS 180-4 example: one million 'a', fed in uneven pieces. */
    static uint8_t a[1000];
    memset(a, 'a', sizeof a);
    wrtp_sha256_ctx ctx;
    wrtp_sha256_init(&ctx);
    size_t left = 1000000;
    size_t step = 1;
    while (left > 0) {
        size_t n = step < left ? step : left;
        wrtp_sha256_update(&ctx, a, n);
        left -= n;
        step = step % 980u + 13u;
    }
    uint8_t d[32];
    wrtp_sha256_final(&ctx, d);
    to_hex(d, 32, hex_a);
    CHECK(strcmp(hex_a, "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0") == 0, "sha256 1M a: %s", hex_a);
}

/* A fake port and engine for server tests: the port records what the server sends. */
static uint8_t sent[200000];
static size_t sent_len;
static uint32_t fake_now;
static int loads_called, invokes_called;

static bool fake_write(void *ctx, const uint8_t *b, size_t n) {
    (void)ctx;
    if (n > sizeof sent - sent_len) return false;
    memcpy(sent + sent_len, b, n);
    sent_len += n;
    return true;
}
static uint32_t fake_now_ms(void *ctx) { (void)ctx; return fake_now; }
static void fake_describe(void *ctx, wrtp_engine_info *o) { (void)ctx; o->interp_version = 0x000102; o->arena_bytes = 4096; o->features = 1; }
static bool fake_load(void *ctx, const uint8_t *m, size_t len, const uint8_t *sha, const uint8_t *p, size_t pl,
                      uint64_t start_fuel, wrtp_engine_error *err) {
    (void)ctx; (void)m; (void)len; (void)sha; (void)p; (void)pl; (void)start_fuel; (void)err;
    loads_called++;
    return true;
}
static void fake_unload(void *ctx) { (void)ctx; }
static bool fake_invoke(void *ctx, const char *name, size_t nl, const wrtp_wire_value *args, uint32_t nargs, uint64_t fuel,
                        const wrtp_engine_io *io, wrtp_msg_invoke_result *r, wrtp_engine_error *err) {
    (void)ctx; (void)name; (void)nl; (void)fuel; (void)io; (void)err;
    invokes_called++;
    r->nresults = (uint8_t)nargs;
    for (uint32_t i = 0; i < nargs; i++) r->results[i] = args[i];
    return true;
}
static uint32_t fake_stats(void *ctx, wrtp_engine_stat *o, uint32_t cap) { (void)ctx; (void)o; (void)cap; return 0; }
static void fake_reset(void *ctx) { (void)ctx; }

static const wrtp_engine_ops fake_engine = {fake_describe, fake_load, fake_unload, fake_invoke, fake_stats,
                                           fake_reset,    NULL,      NULL,        NULL,        NULL,
                                           NULL,          NULL,      NULL,        NULL,        NULL,        NULL};
static const wrtp_port fake_port = {NULL, NULL, fake_write, fake_now_ms, NULL};
static wrtp_server srv;
static uint8_t upload[1024], profile[64];

typedef struct answer {
    wrtp_frame frame;
    uint8_t bytes[WRTP_PROTO_MAX_FRAME];
    uint16_t error;
    uint32_t detail;
} answer;

/* Decodes the frames the server sent since the last call; returns how many. */
static int take_answers(answer *out, int cap) {
    static uint8_t buf[WRTP_PROTO_MAX_FRAME];
    wrtp_cobs_decoder dec;
    wrtp_cobs_decoder_init(&dec, buf, sizeof buf);
    int n = 0;
    for (size_t i = 0; i < sent_len && n < cap; i++) {
        if (wrtp_cobs_push(&dec, sent[i]) != WRTP_COBS_FRAME) continue;
        memcpy(out[n].bytes, buf, dec.len);
        if (wrtp_frame_parse(out[n].bytes, dec.len, &out[n].frame) != WRTP_PERR_NONE) continue;
        out[n].error = 0;
        out[n].detail = 0;
        if (out[n].frame.type == WRTP_MSG_ERROR && out[n].frame.body_len >= 8) {
            out[n].error = (uint16_t)(out[n].frame.body[0] | (out[n].frame.body[1] << 8));
            out[n].detail = (uint32_t)out[n].frame.body[4] | ((uint32_t)out[n].frame.body[5] << 8) |
                            ((uint32_t)out[n].frame.body[6] << 16) | ((uint32_t)out[n].frame.body[7] << 24);
        }
        n++;
    }
    sent_len = 0;
    return n;
}

static void send_request(uint8_t type, uint16_t seq, const uint8_t *body, size_t len) {
    static uint8_t frame[WRTP_PROTO_MAX_FRAME], wire[WRTP_COBS_MAX_ENCODED(WRTP_PROTO_MAX_FRAME) + 1];
    if (len > 0) memcpy(frame + 8, body, len);
    size_t n = wrtp_frame_finish(frame, sizeof frame, type, 0, seq, len);
    size_t e = wrtp_cobs_encode(frame, n, wire, sizeof wire);
    wire[e++] = 0;
    wrtp_server_feed(&srv, wire, e);
}

static void test_server(void) {
    wrtp_server_config cfg = {&fake_port, &fake_engine, NULL, upload, sizeof upload, profile, sizeof profile,
                             "unit", 1000, 7, 0};
    CHECK(wrtp_server_init(&srv, &cfg), "server init");
    answer a[8];

    send_request(WRTP_MSG_HELLO, 1, NULL, 0);
    int n = take_answers(a, 8);
    CHECK(n == 1 && a[0].frame.type == WRTP_MSG_HELLO && a[0].frame.flags == WRTP_FLAG_RESPONSE && a[0].frame.seq == 1 &&
              a[0].frame.body_len == 32 + 4 && memcmp(a[0].frame.body + 32, "unit", 4) == 0,
          "hello answer");

    /* Garbage: one unsolicited error, then HELLO still answered. */
    const uint8_t garbage[] = {0x13, 0x37, 0xFF, 0x00};
    wrtp_server_feed(&srv, garbage, sizeof garbage);
    n = take_answers(a, 8);
    CHECK(n == 1 && a[0].frame.type == WRTP_MSG_ERROR && a[0].frame.flags == WRTP_FLAG_UNSOLICITED &&
              (a[0].error == WRTP_PERR_FRAME_CRC || a[0].error == WRTP_PERR_FRAME_MALFORMED),
          "garbage answered with an unsolicited error (n=%d error=%u)", n, n > 0 ? a[0].error : 0);

    /* Truncated partial frame: reported after the idle timeout. */
    const uint8_t partial[] = {0x09, 0x01, 0x01};
    wrtp_server_feed(&srv, partial, sizeof partial);
    wrtp_server_tick(&srv);
    CHECK(take_answers(a, 8) == 0, "no error before the idle timeout");
    fake_now += WRTP_PROTO_IDLE_TIMEOUT_MS + 1;
    wrtp_server_tick(&srv);
    n = take_answers(a, 8);
    CHECK(n == 1 && a[0].error == WRTP_PERR_FRAME_TRUNCATED, "truncated frame reported");

    /* Oversize upload is refused; the state stays idle. */
    uint8_t begin[38 + 4];
    memset(begin, 0, sizeof begin);
    uint32_t big = 5000;
    memcpy(begin, &big, 4);
    send_request(WRTP_MSG_UPLOAD_BEGIN, 2, begin, 38);
    n = take_answers(a, 8);
    CHECK(n == 1 && a[0].error == WRTP_PERR_UPLOAD_TOO_LARGE && a[0].detail == 5000 && a[0].frame.seq == 2,
          "oversize upload refused");

    /* Upload with a wrong digest: END refuses, load is never called, INVOKE is refused. */
    uint8_t module[100];
    for (int i = 0; i < 100; i++) module[i] = (uint8_t)i;
    uint32_t size = sizeof module;
    memcpy(begin, &size, 4);
    memset(begin + 4, 0xAB, 32);
    send_request(WRTP_MSG_UPLOAD_BEGIN, 3, begin, 38);
    uint8_t chunk[4 + 100];
    uint32_t zero = 0;
    memcpy(chunk, &zero, 4);
    memcpy(chunk + 4, module, 100);
    send_request(WRTP_MSG_UPLOAD_CHUNK, 4, chunk, sizeof chunk);
    send_request(WRTP_MSG_UPLOAD_END, 5, NULL, 0);
    uint8_t invoke[8 + 1 + 1 + 1] = {0, 0, 0, 0, 0, 0, 0, 0, 1, 'f', 0};
    send_request(WRTP_MSG_INVOKE, 6, invoke, sizeof invoke);
    n = take_answers(a, 8);
    CHECK(n == 4 && a[0].frame.type == WRTP_MSG_UPLOAD_BEGIN && a[1].frame.type == WRTP_MSG_UPLOAD_CHUNK &&
              a[2].error == WRTP_PERR_HASH_MISMATCH && a[3].error == WRTP_PERR_NO_MODULE,
          "wrong hash: refused and no module");
    CHECK(loads_called == 0 && invokes_called == 0, "engine untouched by a wrong hash (loads %d invokes %d)",
          loads_called, invokes_called);

    /* Right digest: committed once; a resent INVOKE is replayed, not run twice. */
    wrtp_sha256(module, sizeof module, begin + 4);
    send_request(WRTP_MSG_UPLOAD_BEGIN, 7, begin, 38);
    memcpy(chunk + 4, module, 50);
    send_request(WRTP_MSG_UPLOAD_CHUNK, 8, chunk, 4 + 50);
    uint32_t gap = 80;
    memcpy(chunk, &gap, 4);
    send_request(WRTP_MSG_UPLOAD_CHUNK, 9, chunk, 4 + 10);
    uint32_t off = 50;
    memcpy(chunk, &off, 4);
    memcpy(chunk + 4, module + 50, 50);
    send_request(WRTP_MSG_UPLOAD_CHUNK, 10, chunk, 4 + 50);
    send_request(WRTP_MSG_UPLOAD_END, 11, NULL, 0);
    n = take_answers(a, 8);
    CHECK(n == 5 && a[2].error == WRTP_PERR_UPLOAD_GAP && a[2].detail == 50 && a[4].frame.type == WRTP_MSG_UPLOAD_END &&
              memcmp(a[4].frame.body + 4, begin + 4, 32) == 0,
          "upload with a gap answered and committed");
    CHECK(loads_called == 1, "load called once: %d", loads_called);
    send_request(WRTP_MSG_INVOKE, 12, invoke, sizeof invoke);
    send_request(WRTP_MSG_INVOKE, 12, invoke, sizeof invoke);
    n = take_answers(a, 8);
    CHECK(n == 2 && a[0].frame.type == WRTP_MSG_INVOKE && a[1].frame.seq == 12 && invokes_called == 1 &&
              srv.counters.replays == 1,
          "resent INVOKE replayed (invokes %d)", invokes_called);

    /* The committed module again: BEGIN answers its size, no chunk travels, END loads it afresh. */
    uint8_t end_answer_sha[32];
    send_request(WRTP_MSG_UPLOAD_BEGIN, 20, begin, 38);
    send_request(WRTP_MSG_INVOKE, 21, invoke, sizeof invoke);
    send_request(WRTP_MSG_UPLOAD_END, 22, NULL, 0);
    n = take_answers(a, 8);
    uint32_t next = n > 0 && a[0].frame.body_len == 4 ? (uint32_t)a[0].frame.body[0] | ((uint32_t)a[0].frame.body[1] << 8) : 0;
    if (n > 2) memcpy(end_answer_sha, a[2].frame.body + 4, 32);
    CHECK(n == 3 && a[0].frame.type == WRTP_MSG_UPLOAD_BEGIN && next == 100 && a[1].error == WRTP_PERR_NO_MODULE &&
              a[2].frame.type == WRTP_MSG_UPLOAD_END && memcmp(end_answer_sha, begin + 4, 32) == 0,
          "committed module reused: next %u, no module between BEGIN and END", next);
    CHECK(loads_called == 2 && srv.counters.uploads_reused == 1 && srv.counters.uploads_committed == 2,
          "reused module loaded again (loads %d reused %u)", loads_called, srv.counters.uploads_reused);

    /* Another profile is another upload: it starts at 0. */
    uint8_t begin_profiled[40];
    memcpy(begin_profiled, begin, 38);
    begin_profiled[36] = 2;
    begin_profiled[38] = 0x5A;
    begin_profiled[39] = 0xA5;
    send_request(WRTP_MSG_UPLOAD_BEGIN, 23, begin_profiled, sizeof begin_profiled);
    n = take_answers(a, 8);
    CHECK(n == 1 && a[0].frame.type == WRTP_MSG_UPLOAD_BEGIN && a[0].frame.body[0] == 0, "other profile starts at 0");
    /* ... and then the old profile is gone too: the same module without it starts at 0 again. */
    send_request(WRTP_MSG_UPLOAD_BEGIN, 24, begin, 38);
    n = take_answers(a, 8);
    CHECK(n == 1 && a[0].frame.type == WRTP_MSG_UPLOAD_BEGIN && a[0].frame.body[0] == 0, "dropped upload not reused");
    memcpy(chunk, &zero, 4);
    memcpy(chunk + 4, module, 100);
    send_request(WRTP_MSG_UPLOAD_CHUNK, 25, chunk, sizeof chunk);
    send_request(WRTP_MSG_UPLOAD_END, 26, NULL, 0);
    n = take_answers(a, 8);
    CHECK(n == 2 && a[1].frame.type == WRTP_MSG_UPLOAD_END && loads_called == 3, "full upload committed (loads %d)", loads_called);

    /* Bytes changed behind the server's back: END's digest check refuses them; the next BEGIN starts at 0. */
    upload[17] ^= 0x40;
    send_request(WRTP_MSG_UPLOAD_BEGIN, 27, begin, 38);
    send_request(WRTP_MSG_UPLOAD_END, 28, NULL, 0);
    send_request(WRTP_MSG_UPLOAD_BEGIN, 29, begin, 38);
    n = take_answers(a, 8);
    CHECK(n == 3 && a[0].frame.body[0] == 100 && a[1].error == WRTP_PERR_HASH_MISMATCH && a[2].frame.type == WRTP_MSG_UPLOAD_BEGIN &&
              a[2].frame.body[0] == 0 && loads_called == 3,
          "overwritten buffer refused at END, then a full upload (loads %d)", loads_called);
    send_request(WRTP_MSG_UPLOAD_CHUNK, 30, chunk, sizeof chunk);
    send_request(WRTP_MSG_UPLOAD_END, 31, NULL, 0);
    /* RESET ends the committed upload: the same module is uploaded whole again. */
    const uint8_t session_reset = WRTP_RESET_SESSION;
    send_request(WRTP_MSG_RESET, 32, &session_reset, 1);
    send_request(WRTP_MSG_UPLOAD_BEGIN, 33, begin, 38);
    n = take_answers(a, 8);
    CHECK(n == 4 && a[1].frame.type == WRTP_MSG_UPLOAD_END && a[2].frame.type == WRTP_MSG_RESET &&
              a[3].frame.type == WRTP_MSG_UPLOAD_BEGIN && a[3].frame.body[0] == 0,
          "after RESET the module is uploaded again");
    send_request(WRTP_MSG_UPLOAD_CHUNK, 34, chunk, sizeof chunk);
    send_request(WRTP_MSG_UPLOAD_END, 35, NULL, 0);
    n = take_answers(a, 8);
    CHECK(n == 2 && a[1].frame.type == WRTP_MSG_UPLOAD_END && loads_called == 5, "committed after RESET (loads %d)", loads_called);

    /* A frame carrying the device's own flags is an echo: counted, never answered. */
    static uint8_t echo[WRTP_PROTO_MAX_FRAME], echo_wire[WRTP_PROTO_MAX_FRAME + 8];
    size_t echo_len = wrtp_frame_finish(echo, sizeof echo, WRTP_MSG_ERROR, WRTP_FLAG_UNSOLICITED, 3, 0);
    size_t echo_wire_len = wrtp_cobs_encode(echo, echo_len, echo_wire, sizeof echo_wire);
    echo_wire[echo_wire_len++] = 0;
    wrtp_server_feed(&srv, echo_wire, echo_wire_len);
    CHECK(take_answers(a, 8) == 0 && srv.counters.frames_echoed == 1, "echoed frame ignored");

    /* Unknown type and a bad version get attributed errors. */
    send_request(0x33, 13, NULL, 0);
    n = take_answers(a, 8);
    CHECK(n == 1 && a[0].error == WRTP_PERR_TYPE_UNKNOWN && a[0].frame.seq == 13, "unknown type");
}

/* Malformed bodies: each is answered with BODY_MALFORMED naming the offset where the layout broke. */
static void test_malformed_bodies(void) {
    answer a[4];
    uint8_t body[64];
    memset(body, 0, sizeof body);
    /* BEGIN with size 0 is an upload (an empty module, refused at load as malformed), not a bad body. */
    send_request(WRTP_MSG_UPLOAD_BEGIN, 100, body, 38);
    int n = take_answers(a, 4);
    CHECK(n == 1 && a[0].error == 0, "begin size 0 accepted");
    /* BEGIN whose profile length runs past the body. */
    body[0] = 1;
    body[36] = 10;
    send_request(WRTP_MSG_UPLOAD_BEGIN, 101, body, 40);
    n = take_answers(a, 4);
    CHECK(n == 1 && a[0].error == WRTP_PERR_BODY_MALFORMED && a[0].detail == 38, "begin profile past body: %u", n ? a[0].detail : 0);
    /* CHUNK without data. */
    send_request(WRTP_MSG_UPLOAD_CHUNK, 102, body, 4);
    n = take_answers(a, 4);
    CHECK(n == 1 && a[0].error == WRTP_PERR_BODY_MALFORMED && a[0].detail == 4, "chunk without data");
    /* INVOKE with 33 arguments, with an unknown value type, with an empty name. */
    uint8_t inv[32] = {0, 0, 0, 0, 0, 0, 0, 0, 1, 'f', 33};
    send_request(WRTP_MSG_INVOKE, 103, inv, 11);
    inv[10] = 1;
    inv[11] = 0x55;
    send_request(WRTP_MSG_INVOKE, 104, inv, 16);
    inv[8] = 0;
    send_request(WRTP_MSG_INVOKE, 105, inv, 16);
    n = take_answers(a, 4);
    CHECK(n == 3 && a[0].detail == 10 && a[1].detail == 11 && a[2].detail == 8 && a[0].error == WRTP_PERR_BODY_MALFORMED &&
              a[1].error == WRTP_PERR_BODY_MALFORMED && a[2].error == WRTP_PERR_BODY_MALFORMED,
          "invoke bodies");
    /* HELLO with a body, RESET with an unknown kind. */
    send_request(WRTP_MSG_HELLO, 106, body, 1);
    uint8_t kind = 9;
    send_request(WRTP_MSG_RESET, 107, &kind, 1);
    n = take_answers(a, 4);
    CHECK(n == 2 && a[0].error == WRTP_PERR_BODY_MALFORMED && a[1].error == WRTP_PERR_BODY_MALFORMED, "hello body, reset kind");
}

/* An engine without session operations answers as a version 1 device (docs/protocol.md §4a). */
static void test_without_sessions(void) {
    answer a[4];
    send_request(WRTP_MSG_SESSION, 120, NULL, 0);
    const uint8_t named[] = {0, 0, 1, 0, 'x'};
    send_request(WRTP_MSG_REGISTER, 121, named, sizeof named);
    send_request(WRTP_MSG_GLOBAL_GET, 122, named, sizeof named);
    int n = take_answers(a, 4);
    CHECK(n == 3 && a[0].error == WRTP_PERR_TYPE_UNKNOWN && a[1].error == WRTP_PERR_TYPE_UNKNOWN &&
              a[2].error == WRTP_PERR_TYPE_UNKNOWN && a[0].detail == WRTP_MSG_SESSION && a[2].detail == WRTP_MSG_GLOBAL_GET,
          "session messages unknown without session operations");
    /* An engine without set_breakpoints has no debugging: BREAKPOINTS is a type it does not know. */
    const uint8_t one_break[] = {1, 0, 0, 0, 0};
    send_request(WRTP_MSG_BREAKPOINTS, 125, one_break, sizeof one_break);
    n = take_answers(a, 4);
    CHECK(n == 1 && a[0].error == WRTP_PERR_TYPE_UNKNOWN && a[0].detail == WRTP_MSG_BREAKPOINTS,
          "BREAKPOINTS unknown without set_breakpoints");
    const uint8_t with_instance[] = {0, 0, 0, 0, 0, 0, 0, 0, 1, 'f', 0, 1, 0};
    const uint8_t long_name[] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 'f', 0};
    send_request(WRTP_MSG_INVOKE, 123, with_instance, sizeof with_instance);
    send_request(WRTP_MSG_INVOKE, 124, long_name, sizeof long_name);
    n = take_answers(a, 4);
    CHECK(n == 2 && a[0].error == WRTP_PERR_BODY_MALFORMED && a[0].detail == 11 && a[1].error == WRTP_PERR_BODY_MALFORMED &&
              a[1].detail == 8,
          "INVOKE instance field and long name refused without sessions (details %u %u)", n > 0 ? a[0].detail : 0,
          n > 1 ? a[1].detail : 0);
}

/* Random noise and mutated valid requests, under ASan/UBSan: nothing crashes, HELLO still works. */
static void test_fuzz(void) {
    static uint8_t frame[WRTP_PROTO_MAX_FRAME + 64], wire[2 * WRTP_PROTO_MAX_FRAME];
    int loads_before = loads_called;
    for (int round = 0; round < 4000; round++) {
        size_t body_len = rng() % 80u;
        for (size_t i = 0; i < body_len; i++) frame[8 + i] = (uint8_t)rng();
        uint8_t type = (uint8_t)(1u + rng() % 8u);
        size_t n = wrtp_frame_finish(frame, sizeof frame, type, 0, (uint16_t)rng(), body_len);
        unsigned mutations = rng() % 3u;
        for (unsigned m = 0; m < mutations; m++) frame[rng() % n] ^= (uint8_t)(1u + rng() % 255u);
        size_t e = wrtp_cobs_encode(frame, n, wire, sizeof wire);
        if (rng() % 4u == 0) e = rng() % (e + 1u); /* cut short */
        wire[e++] = 0;
        wrtp_server_feed(&srv, wire, e);
        sent_len = 0;
    }
    uint8_t noise[4096];
    for (size_t i = 0; i < sizeof noise; i++) noise[i] = (uint8_t)rng();
    wrtp_server_feed(&srv, noise, sizeof noise);
    static const uint8_t delimiter = 0;
    wrtp_server_feed(&srv, &delimiter, 1);
    sent_len = 0;
    answer a[4];
    send_request(WRTP_MSG_HELLO, 200, NULL, 0);
    int n = take_answers(a, 4);
    CHECK(n == 1 && a[0].frame.type == WRTP_MSG_HELLO && a[0].frame.seq == 200, "hello after fuzz");
    /* Random bodies cannot carry a matching SHA-256 of their upload: nothing new was loaded. */
    CHECK(loads_called == loads_before, "no load from fuzz input (%d -> %d)", loads_before, loads_called);
}

int main(void) {
    while (fgets(line, sizeof line, stdin) != NULL) run_vector(line);
    test_cobs_round_trips();
    test_cobs_resync();
    test_sha256_long();
    test_server();
    test_malformed_bodies();
    test_without_sessions();
    test_fuzz();
    test_host_call();
    printf("passed %d failed %d\n", passed, failed);
    return failed == 0 ? 0 : 1;
}

/* What the device reads while it waits for a HOST_RESULT; every read moves the clock 100 ms on. */
static uint8_t inbox[4096];
static size_t inbox_len, inbox_pos;

static size_t inbox_read(void *ctx, uint8_t *o_bytes, size_t cap) {
    (void)ctx;
    fake_now += 100u;
    size_t n = inbox_len - inbox_pos < cap ? inbox_len - inbox_pos : cap;
    memcpy(o_bytes, inbox + inbox_pos, n);
    inbox_pos += n;
    return n;
}

/* Appends one frame without flags (as the host sends) to the inbox. */
static void inbox_frame(uint8_t type, uint16_t seq, const uint8_t *body, size_t len) {
    static uint8_t frame[WRTP_PROTO_MAX_FRAME];
    if (len > 0) memcpy(frame + 8, body, len);
    size_t n = wrtp_frame_finish(frame, sizeof frame, type, 0, seq, len);
    inbox[inbox_len++] = 0;
    inbox_len += wrtp_cobs_encode(frame, n, inbox + inbox_len, sizeof inbox - inbox_len);
    inbox[inbox_len++] = 0;
}

static size_t host_result_body(uint8_t *o_body, uint32_t boot, uint32_t call, uint32_t value) {
    wrtp_wr wr;
    wrtp_wr_init(&wr, o_body, 64);
    wrtp_wr_u32(&wr, boot);
    wrtp_wr_u32(&wr, call);
    wrtp_wr_u8(&wr, WRTP_HOST_RESULT_OK);
    wrtp_wr_u8(&wr, 1);
    const wrtp_wire_value v = {WRTP_WIRE_I32, value};
    wrtp_wr_value(&wr, &v);
    return wr.len;
}

/*
 * HOST_CALL / HOST_RESULT on the device (docs/protocol.md §4c): a stale answer (another call, another
 * boot) and a request that arrives during the call are dropped; the matching answer completes the
 * call; with no answer the call is sent again every WRTP_PROTO_HOST_CALL_RESEND_MS and fails at
 * the timeout; a HOST_RESULT between requests is dropped unanswered and keeps the stored answer.
 */
static void test_host_call(void) {
    static const wrtp_port port = {NULL, inbox_read, fake_write, fake_now_ms, NULL};
    wrtp_server_config cfg = {&port, &fake_engine, NULL, upload, sizeof upload, profile, sizeof profile, "unit", 1000, 7, 0};
    CHECK(wrtp_server_init(&srv, &cfg), "host call: server init");
    static answer a[80];
    uint8_t body[64];
    inbox_len = inbox_pos = 0;
    inbox_frame(WRTP_MSG_HOST_RESULT, 1, body, host_result_body(body, 7, 99, 1));  /* another call */
    inbox_frame(WRTP_MSG_HOST_RESULT, 2, body, host_result_body(body, 6, 1, 2));   /* another boot */
    inbox_frame(WRTP_MSG_STATS, 3, NULL, 0);                                        /* a request: waits */
    inbox_frame(WRTP_MSG_HOST_RESULT, 4, body, host_result_body(body, 7, 1, 42));  /* the answer */
    const wrtp_wire_value arg = {WRTP_WIRE_I32, 5};
    wrtp_wire_value results[WRTP_PROTO_MAX_VALUES];
    uint8_t nresults = 0;
    uint8_t status = wrtp_server_host_call(&srv, 3, &arg, 1, results, &nresults);
    CHECK(status == WRTP_HOST_RESULT_OK && nresults == 1 && results[0].type == WRTP_WIRE_I32 && results[0].bits == 42,
          "host call: answered (status %u, %u results)", status, nresults);
    CHECK(srv.counters.host_results_stale == 2 && srv.counters.frames_during_call == 1 && srv.counters.host_calls == 1,
          "host call: stale %u, during call %u, calls %u", srv.counters.host_results_stale, srv.counters.frames_during_call,
          srv.counters.host_calls);
    int n = take_answers(a, 80);
    static const uint8_t call_body[] = {7, 0, 0, 0, 1, 0, 0, 0, 3, 1, WRTP_WIRE_I32, 5, 0, 0, 0};
    CHECK(n == 1 && a[0].frame.type == WRTP_MSG_HOST_CALL && a[0].frame.flags == WRTP_FLAG_UNSOLICITED &&
              a[0].frame.body_len == sizeof call_body && memcmp(a[0].frame.body, call_body, sizeof call_body) == 0,
          "host call: one HOST_CALL of boot 7, call 1, import 3, i32 5 (%d frames)", n);

    /* Nobody answers: resent every 500 ms, failed at 30 s. */
    inbox_len = inbox_pos = 0;
    status = wrtp_server_host_call(&srv, 0, NULL, 0, results, &nresults);
    n = take_answers(a, 80);
    int calls = 0;
    for (int i = 0; i < n; i++) calls += a[i].frame.type == WRTP_MSG_HOST_CALL && a[i].frame.body[4] == 2 ? 1 : 0;
    CHECK(status == WRTP_HOST_RESULT_FAILED && srv.counters.host_call_timeouts == 1, "host call: fails at the timeout");
    CHECK(calls == n && n == 1 + (int)(WRTP_PROTO_HOST_CALL_TIMEOUT_MS / WRTP_PROTO_HOST_CALL_RESEND_MS) - 1 &&
              srv.counters.host_call_resends == (uint32_t)(n - 1),
          "host call: %d HOST_CALLs of call 2 (%u resends)", n, srv.counters.host_call_resends);

    /* A late HOST_RESULT between requests: dropped unanswered, the last answer still replayed. */
    send_request(WRTP_MSG_STATS, 40, NULL, 0);
    CHECK(take_answers(a, 80) == 1, "host call: STATS answered");
    inbox_len = inbox_pos = 0;
    inbox_frame(WRTP_MSG_HOST_RESULT, 41, body, host_result_body(body, 7, 2, 9));
    wrtp_server_feed(&srv, inbox, inbox_len);
    CHECK(take_answers(a, 80) == 0 && srv.counters.host_results_stale == 3, "host call: late result dropped unanswered");
    uint32_t replays = srv.counters.replays;
    send_request(WRTP_MSG_STATS, 40, NULL, 0);
    CHECK(take_answers(a, 80) == 1 && srv.counters.replays == replays + 1, "host call: stored answer kept for a resend");
}
