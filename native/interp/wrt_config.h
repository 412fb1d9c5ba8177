/*
 * Every build setting of the interpreter core, each overridable with -D. Firmware, native-sim and
 * the host test library compile the same sources; only these switches differ.
 */
#ifndef WRT_CONFIG_H
#define WRT_CONFIG_H

#include <float.h>

/* Threaded dispatch through GCC/clang computed goto (labels as values); a portable switch else. */
#ifndef WRT_CONFIG_COMPUTED_GOTO
#  if defined(__GNUC__) || defined(__clang__)
#    define WRT_CONFIG_COMPUTED_GOTO 1
#  else
#    define WRT_CONFIG_COMPUTED_GOTO 0
#  endif
#endif

/*
 * Superinstructions (wrt_iops.h): the compiler's peephole fuses instruction sequences into one
 * internal op, and the executor has a handler for each. 0 is the small executor (the firmware's
 * EXECUTOR=small, docs/firmware.md): the peephole fuses nothing and those handlers, their dispatch
 * entries included, are not compiled; the op numbers stay the same. The one switch governs both
 * sides, so the compiler never emits an op the executor lacks.
 */
#ifndef WRT_CONFIG_FUSED
#  define WRT_CONFIG_FUSED 1
#endif

/*
 * Debugging on the device (wrt_debug.c: the trace ring and breakpoints of the profile's debug
 * budget). 0 leaves the hook out of the executor and the engine answers no BREAKPOINTS: the small
 * firmware image (targets/firmware EXECUTOR=small) is built so, to stay within 64 KiB of flash.
 */
#ifndef WRT_CONFIG_DEBUG
#  define WRT_CONFIG_DEBUG 1
#endif

/*
 * Superinstructions of the i64 and f64 operators (wrt_iops.h); the i32 ones are always there
 * (with WRT_CONFIG_FUSED). On where pointers are 64-bit. On a 32-bit MCU each 64-bit handler is
 * large (register pairs, soft-float calls) for code that is rare there, so the flash is kept instead.
 */
#ifndef WRT_CONFIG_FUSED_WIDE
#  if WRT_CONFIG_FUSED && defined(__SIZEOF_POINTER__) && __SIZEOF_POINTER__ >= 8
#    define WRT_CONFIG_FUSED_WIDE 1
#  else
#    define WRT_CONFIG_FUSED_WIDE 0
#  endif
#endif
#if WRT_CONFIG_FUSED_WIDE && !WRT_CONFIG_FUSED
#  error "WRT_CONFIG_FUSED_WIDE needs WRT_CONFIG_FUSED"
#endif

/*
 * Smaller executor code where it costs little speed: conditional branches share one taken/fall
 * tail instead of each inlining it. On when optimising for size (-Os: firmware).
 */
#ifndef WRT_CONFIG_COMPACT
#  if defined(__OPTIMIZE_SIZE__)
#    define WRT_CONFIG_COMPACT 1
#  else
#    define WRT_CONFIG_COMPACT 0
#  endif
#endif

/* Instruction budget per invocation (fuel). 0 drops the per-block charge from the internal code. */
/*
 * Alignment of the executor (wrt_exec) in bytes. Where each handler falls within the CPU's 64-byte
 * fetch blocks follows from where the linker puts the function, and that moved the same code by
 * up to 1.7x on one kernel (x86-64, AMD EPYC: 7.5x native linked statically, 12.7x from the
 * shared library, function start 0 or 48 modulo 64). Aligning it makes every link of the same
 * objects run alike: the host library, native-sim and the firmware.
 */
#ifndef WRT_CONFIG_EXEC_ALIGN
#  define WRT_CONFIG_EXEC_ALIGN 64
#endif

#ifndef WRT_CONFIG_FUEL
#  define WRT_CONFIG_FUEL 1
#endif

/*
 * sqrt through __builtin_sqrt/__builtin_sqrtf. Only where the compiler turns it into one
 * instruction (x86-64 sqrtss/sqrtsd, AArch64 fsqrt, ARMv7-M/R with a VFP unit) and only with
 * -fno-math-errno (wrt_interp.mk passes it; the compiler then defines __NO_MATH_ERRNO__), without
 * which GCC calls libm's sqrt for negative inputs. Otherwise the core computes a correctly rounded
 * square root in integer arithmetic (wrt_float.c): slower, never wrong, never libm.
 */
#if defined(__NO_MATH_ERRNO__)
#  define WRT_HW_SQRT_POSSIBLE 1
#else
#  define WRT_HW_SQRT_POSSIBLE 0
#endif
#ifndef WRT_CONFIG_HW_SQRT_F32
#  if WRT_HW_SQRT_POSSIBLE && (defined(__x86_64__) || defined(__aarch64__) || (defined(__ARM_FP) && (__ARM_FP & 4)))
#    define WRT_CONFIG_HW_SQRT_F32 1
#  else
#    define WRT_CONFIG_HW_SQRT_F32 0
#  endif
#endif
#ifndef WRT_CONFIG_HW_SQRT_F64
#  if WRT_HW_SQRT_POSSIBLE && (defined(__x86_64__) || defined(__aarch64__) || (defined(__ARM_FP) && (__ARM_FP & 8)))
#    define WRT_CONFIG_HW_SQRT_F64 1
#  else
#    define WRT_CONFIG_HW_SQRT_F64 0
#  endif
#endif

/* Alignment of every arena allocation and region start, in bytes (a power of two, >= 8). */
#ifndef WRT_CONFIG_ALIGN
#  define WRT_CONFIG_ALIGN 16u
#endif

/* Most results a host function may return; they pass through a buffer of this size. */
#ifndef WRT_CONFIG_MAX_HOST_RESULTS
#  define WRT_CONFIG_MAX_HOST_RESULTS 8u
#endif

/*
 * Most nested invocations open at once (wrt_invoke_nested): a host function that runs guest code
 * (the canonical ABI's cabi_realloc, another instance's lifted export, post-return) above the
 * current stack and frame top. One more traps WRT_TRAP_REENTRY_EXHAUSTED. A compile-time constant
 * until the profile's component block carries it.
 */
#ifndef WRT_CONFIG_MAX_NESTED
#  define WRT_CONFIG_MAX_NESTED 8u
#endif
/*
 * Whether the executor keeps what a nested invocation needs at each host call (three stores and a
 * load). Off in an image without the component runtime or its linking (the firmware's images:
 * only fused adapters nest), where wrt_invoke_nested then answers MISUSE.
 */
#ifndef WRT_CONFIG_NESTED
#  if (defined(WRT_CONFIG_COMPONENTS) && !WRT_CONFIG_COMPONENTS) || \
      (defined(WRT_CONFIG_COMPONENT_LINK) && !WRT_CONFIG_COMPONENT_LINK)
#    define WRT_CONFIG_NESTED 0
#  else
#    define WRT_CONFIG_NESTED 1
#  endif
#endif

/*
 * Multi-memory (WebAssembly 3.0): several memories per module, a memory index on every load,
 * store and memory instruction. Compiled in unless the image has no component runtime (the
 * firmware's small image, WRT_CONFIG_COMPONENTS=0), as only components use it; even when compiled
 * in it is off until wrt_runtime_set_features turns it on, so a plain core module with two
 * memories stays invalid (the core 2.0 testsuite asserts so). Memory 0 keeps its fast path: code
 * naming another memory compiles to the MEMX_* ops (wrt_iops.h), a slower path of their own.
 */
#ifndef WRT_CONFIG_MULTI_MEMORY
#  if defined(WRT_CONFIG_COMPONENTS) && !WRT_CONFIG_COMPONENTS
#    define WRT_CONFIG_MULTI_MEMORY 0
#  else
#    define WRT_CONFIG_MULTI_MEMORY 1
#  endif
#endif

/* Most registries one lookup follows through wrt_host_registry.next. */
#ifndef WRT_CONFIG_MAX_REGISTRY_CHAIN
#  define WRT_CONFIG_MAX_REGISTRY_CHAIN 8u
#endif

/*
 * Most parameters and locals of one function: the WebAssembly JS API's implementation limit, which
 * the host validator applies too (JS_API_LIMITS.locals in ts/wasm/module-parser.ts; the two are
 * compared by test/profile/record-sizes.test.ts), so a module `validate` refuses never runs here.
 */
#ifndef WRT_CONFIG_MAX_LOCALS
#  define WRT_CONFIG_MAX_LOCALS 50000u
#endif

/* Most import/export name bytes compared or stored; longer names are refused as a limit. */
#ifndef WRT_CONFIG_MAX_NAME
#  define WRT_CONFIG_MAX_NAME 1024u
#endif

/*
 * WebAssembly float semantics need every float operation rounded to its own width. x87 excess
 * precision (FLT_EVAL_METHOD 1 or 2) would break them; refuse such a build instead of misbehaving.
 */
#if defined(FLT_EVAL_METHOD) && FLT_EVAL_METHOD != 0 && FLT_EVAL_METHOD != -1
#  error "wrt interpreter needs FLT_EVAL_METHOD 0 (SSE2 on x86, VFP/NEON on ARM)"
#endif

#endif
