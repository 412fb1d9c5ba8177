/* Canonical ABI of the Component Model (synchronous subset, 32-bit memories): lifting and
 * lowering values between a host value array and a guest's linear memory and flat core values.
 *
 * Freestanding C11: no allocation, no recursion (the type tree is walked with an explicit stack
 * of WRT_CABI_MAX_DEPTH frames), every loop bounded by the bytes, nodes or value slots it walks.
 * The normative reference is component-model/design/mvp/canonical-abi/definitions.py; the
 * differential in tools/cabi/ compares this code with it. docs/component.md describes the
 * type encoding and the value representation below. */
#ifndef WRT_CABI_H
#define WRT_CABI_H

#include <stddef.h>
#include <stdint.h>

#ifndef WRT_CABI_MAX_DEPTH
#define WRT_CABI_MAX_DEPTH 32u /* nesting of lists/records/variants in one type */
#endif
#define WRT_CABI_MAX_FLAT_PARAMS 16u
#define WRT_CABI_MAX_FLAT_RESULTS 1u
/* The spec's MAX_STRING_BYTE_LENGTH and MAX_LIST_BYTE_LENGTH. */
#define WRT_CABI_SPEC_MAX_BYTES 0x0FFFFFFFu
#define WRT_CABI_UTF16_TAG 0x80000000u

/* Type encoding (bytes TypeScript emits), preorder; counts and resource indices are unsigned
 * LEB128 (at most 5 bytes). */
enum wrt_cabi_code {
    WRT_CABI_BOOL = 0x00, WRT_CABI_S8 = 0x01, WRT_CABI_U8 = 0x02, WRT_CABI_S16 = 0x03,
    WRT_CABI_U16 = 0x04, WRT_CABI_S32 = 0x05, WRT_CABI_U32 = 0x06, WRT_CABI_S64 = 0x07,
    WRT_CABI_U64 = 0x08, WRT_CABI_F32 = 0x09, WRT_CABI_F64 = 0x0a, WRT_CABI_CHAR = 0x0b,
    WRT_CABI_STRING = 0x0c,
    WRT_CABI_LIST = 0x10,    /* elem */
    WRT_CABI_RECORD = 0x11,  /* n>=1, n field types */
    WRT_CABI_TUPLE = 0x12,   /* n>=1, n types */
    WRT_CABI_VARIANT = 0x13, /* n>=1, n cases: WRT_CABI_NONE or a type */
    WRT_CABI_ENUM = 0x14,    /* n>=1 */
    WRT_CABI_OPTION = 0x15,  /* type */
    WRT_CABI_RESULT = 0x16,  /* ok and error: WRT_CABI_NONE or a type each */
    WRT_CABI_FLAGS = 0x17,   /* n, 1..32 */
    WRT_CABI_OWN = 0x18,     /* resource type index */
    WRT_CABI_BORROW = 0x19,  /* resource type index */
    WRT_CABI_NONE = 0x1f     /* a case without payload; only as a variant or result case */
};

/* String encodings of canonical options (and of host string values). */
enum wrt_cabi_encoding { WRT_CABI_UTF8 = 0, WRT_CABI_UTF16 = 1, WRT_CABI_LATIN1_UTF16 = 2 };
/* Set in a string value's `aux` when its bytes are in the linear memory (lifted values). */
#define WRT_CABI_IN_MEMORY 0x100u

/* Results: 0 is success, 1..31 are traps (the guest's fault), 32.. are host errors. */
enum wrt_cabi_status {
    WRT_CABI_OK = 0,
    WRT_CABI_TRAP_BAD_CHAR = 1,         /* >= 0x110000 or a surrogate */
    WRT_CABI_TRAP_BAD_DISCRIMINANT = 2, /* case index >= number of cases */
    WRT_CABI_TRAP_OUT_OF_BOUNDS = 3,    /* a range past the end of the memory */
    WRT_CABI_TRAP_MISALIGNED = 4,       /* a pointer not aligned to its type */
    WRT_CABI_TRAP_BAD_STRING = 5,       /* bytes not valid in the string encoding */
    WRT_CABI_TRAP_TOO_LONG = 6,         /* lifted string/list over its byte limit */
    WRT_CABI_TRAP_LIMIT = 7,            /* lowered string/list over its limit: before realloc */
    WRT_CABI_TRAP_HANDLE = 8,           /* the handle callback refused an index */
    WRT_CABI_TRAP_REALLOC = 9,          /* the realloc callback trapped */
    WRT_CABI_ERR_TYPE = 32,             /* malformed type encoding, or over a capacity */
    WRT_CABI_ERR_VALUE = 33,            /* host value does not match the type */
    WRT_CABI_ERR_CAPACITY = 34          /* value array, flat array or stack too small */
};

/* A type node (despecialised: tuple is a record, option and result are variants). Nodes are in
 * preorder; a node's children start at index+1 and each child's `end` is its next sibling. */
typedef struct wrt_cabi_type {
    uint8_t kind;       /* wrt_cabi_code: a primitive, STRING, LIST, RECORD, VARIANT, ENUM,
                           FLAGS, OWN, BORROW or NONE */
    uint8_t align;
    uint8_t flat_count; /* number of flat core values; WRT_CABI_MAX_FLAT_PARAMS+1 means more */
    uint8_t disc_size;  /* variant, enum: 1, 2 or 4 */
    uint32_t size;
    uint32_t count;     /* record fields, variant cases, enum or flags labels */
    uint32_t end;       /* index one past this node's subtree */
    uint32_t aux;       /* variant: payload offset; own, borrow: resource type index */
    uint32_t flat_sig;  /* core types, 2 bits each from bit 0: i32=0 i64=1 f32=2 f64=3 */
} wrt_cabi_type;

/* A value slot. Values are in preorder of the type walk, one slot per visited node:
 *   bool, integers, char, enum: u (integers sign-extended to 64 bits)
 *   f32, f64: u = the IEEE bits; flags: u = the bits, label i at bit i
 *   string: u = byte offset (in the host pool, or in linear memory when aux has
 *           WRT_CABI_IN_MEMORY), n = code units as the spec tags them, aux = encoding
 *   list: n = element count, then the elements' slots
 *   record/tuple: one slot (unused), then the fields' slots
 *   variant/option/result: u = case index, then the payload's slots if the case has one
 *   own, borrow: u = the resource representation (rep) */
typedef struct wrt_cabi_val {
    uint64_t u;
    uint32_t n;
    uint32_t aux;
} wrt_cabi_val;

/* Host callbacks. realloc has the semantics of cabi_realloc(old, old_size, align, new_size);
 * the handle callbacks own the handle table (lower: rep -> index; lift: index -> rep). Each
 * returns WRT_CABI_OK or a trap code. */
typedef struct wrt_cabi_host {
    void *ctx;
    int (*realloc)(void *ctx, uint32_t old_ptr, uint32_t old_size, uint32_t align,
                   uint32_t new_size, uint32_t *o_ptr);
    int (*lower_handle)(void *ctx, uint8_t kind, uint32_t rt, uint32_t rep, uint32_t *o_index);
    int (*lift_handle)(void *ctx, uint8_t kind, uint32_t rt, uint32_t index, uint32_t *o_rep);
} wrt_cabi_host;

typedef struct wrt_cabi_cx {
    uint8_t *mem;
    uint32_t mem_len;
    uint8_t encoding;          /* wrt_cabi_encoding of the canonical options */
    uint32_t max_string_bytes; /* lowering: the limit checked before realloc; lifting: spec max */
    uint32_t max_list_bytes;
    const uint8_t *pool;       /* bytes of host string values being lowered */
    uint32_t pool_len;
    wrt_cabi_host host;
} wrt_cabi_cx;

/* Decodes one type from `bytes` into nodes[0..*o_count); `*o_used` is the bytes read, or on
 * WRT_CABI_ERR_TYPE the offset of the byte that failed. */
int wrt_cabi_parse_type(const uint8_t *bytes, uint32_t len, wrt_cabi_type *nodes,
                        uint32_t cap, uint32_t *o_count, uint32_t *o_used);

/* lower_flat_values: the values of `root` (a record: the parameters or results) into at most
 * `max_flat` flat values (bits; f32 in the low 32 bits), spilling to memory got from realloc
 * when they need more. `*o_nflat` is the count written. */
int wrt_cabi_lower_values(wrt_cabi_cx *cx, const wrt_cabi_type *nodes, const wrt_cabi_val *vals,
                          uint32_t nvals, uint32_t max_flat, uint64_t *o_flat, uint32_t *o_nflat);

/* lift_flat_values: the inverse; `*o_nvals` is the number of slots written. */
int wrt_cabi_lift_values(wrt_cabi_cx *cx, const wrt_cabi_type *nodes, const uint64_t *flat,
                         uint32_t nflat, uint32_t max_flat, wrt_cabi_val *o_vals, uint32_t cap,
                         uint32_t *o_nvals);

/* store/load of one value of type `nodes[0]` at `ptr` (checked: aligned and in bounds). */
int wrt_cabi_store(wrt_cabi_cx *cx, const wrt_cabi_type *nodes, const wrt_cabi_val *vals,
                   uint32_t nvals, uint32_t ptr);
int wrt_cabi_load(wrt_cabi_cx *cx, const wrt_cabi_type *nodes, uint32_t ptr,
                  wrt_cabi_val *o_vals, uint32_t cap, uint32_t *o_nvals);

#endif
