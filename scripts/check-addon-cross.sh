#!/usr/bin/env bash
# Compile-checks every native/addon/*.cc for AArch64 Linux with Debian's cross compiler
# (package g++-aarch64-linux-gnu), so the aarch64 code paths (getauxval, prctl, branch protection)
# cannot rot on an x86-64 development machine. Node's headers are architecture-neutral C, so the
# host's /usr/include/node serves the cross compile as well.
#
# Usage: scripts/check-addon-cross.sh [--marks]
#   default   -fsyntax-only for every file
#   --marks   compile real objects instead and require each to carry the
#             "AArch64 feature: BTI, PAC" property note that -mbranch-protection=standard emits,
#             and require that cpu_arm64.cc (not cpu_unknown.cc) defines wrt::GatherCpuFacts, so a
#             broken #if cannot turn the AArch64 probe into an empty file that "compiles"
# Environment: WRT_CROSS_CXX (default aarch64-linux-gnu-g++), WRT_NODE_INCLUDE_DIR (/usr/include/node)
# Exit: 0 all files pass, 1 a file failed, 2 bad usage, 3 compiler or headers missing.
set -euo pipefail

root="$(cd "$(dirname "$0")/.." && pwd)"
cxx="${WRT_CROSS_CXX:-aarch64-linux-gnu-g++}"
node_include="${WRT_NODE_INCLUDE_DIR:-/usr/include/node}"
check_marks=0
case "${1:-}" in
  "") ;;
  --marks) check_marks=1 ;;
  *) echo "usage: $0 [--marks]" >&2; exit 2 ;;
esac

if ! command -v "$cxx" >/dev/null 2>&1; then
  echo "check-addon-cross: $cxx not found (apt-get install g++-aarch64-linux-gnu)" >&2
  exit 3
fi
if [ ! -f "$node_include/node_api.h" ]; then
  echo "check-addon-cross: $node_include/node_api.h not found (set WRT_NODE_INCLUDE_DIR)" >&2
  exit 3
fi
if [ "$check_marks" = 1 ] && ! command -v readelf >/dev/null 2>&1; then
  echo "check-addon-cross: readelf not found (binutils)" >&2
  exit 3
fi
addon_api_include="$(cd "$root" && node -p "require('path').resolve(require('node-addon-api').include_dir)")"

flags=(-std=c++17 -Wall -Wextra -Werror -mbranch-protection=standard
  -I"$node_include" -I"$addon_api_include" -DNAPI_VERSION=8 -DNAPI_DISABLE_CPP_EXCEPTIONS)

objects=""
if [ "$check_marks" = 1 ]; then
  objects="$(mktemp -d)"
  trap 'rm -rf "$objects"' EXIT
fi

status=0
for source in "$root"/native/addon/*.cc; do
  name="${source#"$root"/}"
  if [ "$check_marks" = 0 ]; then
    if "$cxx" "${flags[@]}" -fsyntax-only "$source"; then
      echo "ok   $name"
    else
      echo "FAIL $name" >&2
      status=1
    fi
    continue
  fi
  object="$objects/$(basename "$source" .cc).o"
  if ! "$cxx" "${flags[@]}" -O2 -fPIC -c "$source" -o "$object"; then
    echo "FAIL $name" >&2
    status=1
  elif ! readelf -n "$object" | grep -q 'AArch64 feature: BTI, PAC'; then
    echo "FAIL $name: object lacks the AArch64 BTI, PAC property note" >&2
    status=1
  else
    echo "ok   $name (BTI, PAC)"
  fi
done

if [ "$check_marks" = 1 ] && [ "$status" = 0 ]; then
  nm="${cxx%g++}nm"
  command -v "$nm" >/dev/null 2>&1 || nm=nm
  for file in cpu_arm64 cpu_unknown cpu_x86; do
    if "$nm" -C --defined-only "$objects/$file.o" | grep -q 'wrt::GatherCpuFacts'; then
      defined=yes
    else
      defined=no
    fi
    expected=no
    [ "$file" = cpu_arm64 ] && expected=yes
    if [ "$defined" != "$expected" ]; then
      echo "FAIL native/addon/$file.cc: defines wrt::GatherCpuFacts=$defined, expected $expected for aarch64-linux" >&2
      status=1
    fi
  done
  [ "$status" = 0 ] && echo "ok   aarch64-linux build takes its CPU facts from cpu_arm64.cc"
fi
exit "$status"
