// Compile-time identity of the addon: what it was built for, not what process.arch claims.
// A 32-bit or emulated Node could load an addon built elsewhere only by accident; reporting the
// build target lets the TypeScript side say which probe actually ran.
#ifndef WRT_BUILD_TARGET_H
#define WRT_BUILD_TARGET_H

namespace wrt {

#if defined(__x86_64__)
inline constexpr const char* kBuildArch = "x86_64";
#elif defined(__aarch64__)
inline constexpr const char* kBuildArch = "aarch64";
#elif defined(__arm__)
inline constexpr const char* kBuildArch = "arm";
#elif defined(__riscv) && defined(__riscv_xlen) && __riscv_xlen == 64
inline constexpr const char* kBuildArch = "riscv64";
#elif defined(__riscv)
inline constexpr const char* kBuildArch = "riscv32";
#elif defined(__i386__)
inline constexpr const char* kBuildArch = "x86";
#elif defined(__powerpc64__) && defined(__LITTLE_ENDIAN__)
inline constexpr const char* kBuildArch = "ppc64le";
#elif defined(__powerpc64__)
inline constexpr const char* kBuildArch = "ppc64";
#elif defined(__s390x__)
inline constexpr const char* kBuildArch = "s390x";
#elif defined(__loongarch64)
inline constexpr const char* kBuildArch = "loongarch64";
#elif defined(__mips64)
inline constexpr const char* kBuildArch = "mips64";
#elif defined(__mips__)
inline constexpr const char* kBuildArch = "mips";
#else
inline constexpr const char* kBuildArch = "unknown";
#endif

// QNX and Android are tested before Linux: Android defines __linux__ as well.
#if defined(__QNX__)
inline constexpr const char* kBuildOs = "qnx";
#elif defined(__ANDROID__)
inline constexpr const char* kBuildOs = "android";
#elif defined(__linux__)
inline constexpr const char* kBuildOs = "linux";
#elif defined(__APPLE__)
inline constexpr const char* kBuildOs = "darwin";
#elif defined(__FreeBSD__)
inline constexpr const char* kBuildOs = "freebsd";
#elif defined(_WIN32)
inline constexpr const char* kBuildOs = "win32";
#else
inline constexpr const char* kBuildOs = "unknown";
#endif

}  // namespace wrt

#endif  // WRT_BUILD_TARGET_H
