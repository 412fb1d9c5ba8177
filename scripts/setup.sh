#!/usr/bin/env bash
# For a git checkout (development); an installed package needs none of this (README, Install).
# Sets up a fresh Debian machine for wrt-target, and is safe to run again: it installs only what is
# missing (Debian packages, npm packages), then builds the native addon, the TypeScript sources and
# the host build of the device interpreter.
set -euo pipefail
cd "$(dirname "$0")/.."

# Debian packages, each for a reason:
#   qemu-system-arm               emulated Cortex-M boards (default deploy/HIL target)
#   gcc-arm-none-eabi, libnewlib-arm-none-eabi   interpreter firmware; Cortex-M objects in CFI tests
#   wabt                          wast2json for the spec testsuite, wat2wasm for test modules
#   binaryen                      wasm-opt -ttf for the validator's differential tests
#   clang, lld, wasi-libc, libclang-rt-14-dev-wasm32   C programs compiled to wasm32-wasi; PACBTI objects
#   libclang-rt-14-dev            clang's libFuzzer and sanitizer runtimes: the fuzz targets (docs/fuzzing.md)
#   g++-aarch64-linux-gnu         proves the addon's AArch64 path compiles; cross-builds the linux-arm64
#                                 prebuilds (addon, native-sim) that `npm run prebuilds` packs
#   qemu-user                     qemu-aarch64: runs those arm64 prebuilds in the tests (test/install)
#   cmake                         the addon's second build path (`npm run build:addon:cmake`, cmake-js)
#                                 and the cross build of the arm64 addon
#   chromium                      checks that the HIL HTML report renders (headless screenshot)
#   openocd                       flashes real boards (`deploy --target nucleo-f429zi`); its failure
#                                 without a probe is what the deploy tests check
APT_PACKAGES=(
  qemu-system-arm gcc-arm-none-eabi libnewlib-arm-none-eabi wabt binaryen
  clang lld wasi-libc libclang-rt-14-dev-wasm32 libclang-rt-14-dev g++-aarch64-linux-gnu qemu-user cmake chromium
  openocd
)

missing=()
for pkg in "${APT_PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'install ok installed' || missing+=("$pkg")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "setup: installing Debian packages: ${missing[*]}"
  SUDO=""
  [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# Debian source packages: the firmware's Ed25519 verification is vendored from Debian's libsodium
# (third_party/libsodium); scripts/vendor-libsodium.sh checks the copy against `apt-get source
# libsodium`, which needs a deb-src entry. Added once, beside the machine's own entries.
SRC_LIST=/etc/apt/sources.list.d/wrt-target-src.sources
if ! grep -rqs '^Types:.*deb-src' /etc/apt/sources.list.d/ && ! grep -qs '^deb-src ' /etc/apt/sources.list; then
  echo "setup: adding a deb-src entry ($SRC_LIST) for apt-get source libsodium"
  SUDO=""
  [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  printf 'Types: deb-src\nURIs: http://deb.debian.org/debian\nSuites: %s\nComponents: main\nSigned-By: /usr/share/keyrings/debian-archive-keyring.gpg\n' \
    "$(. /etc/os-release && echo "${VERSION_CODENAME:-bookworm}")" | $SUDO tee "$SRC_LIST" >/dev/null
  $SUDO apt-get update -qq
fi

# npm packages: `npm ci` only when the lock file changed since the last install.
lock_hash=$(sha256sum package-lock.json | cut -d' ' -f1)
if [ ! -f node_modules/.wrt-lock-hash ] || [ "$(cat node_modules/.wrt-lock-hash)" != "$lock_hash" ]; then
  echo "setup: npm ci"
  npm ci --no-fund --no-audit --loglevel=error
  echo "$lock_hash" > node_modules/.wrt-lock-hash
fi

# Test oracles (jco) in their own folder: their dependencies bring their own tsc (TypeScript 6)
# and binaryen's wasm-opt, which would shadow the project's in npm scripts.
oracle_hash=$(sha256sum tools/oracles/package-lock.json | cut -d' ' -f1)
if [ ! -f tools/oracles/node_modules/.wrt-lock-hash ] || [ "$(cat tools/oracles/node_modules/.wrt-lock-hash)" != "$oracle_hash" ]; then
  echo "setup: npm ci (tools/oracles: jco)"
  npm ci --prefix tools/oracles --no-fund --no-audit --loglevel=error
  echo "$oracle_hash" > tools/oracles/node_modules/.wrt-lock-hash
fi

echo "setup: building the native addon, the TypeScript sources and dev tools, and the host interpreter"
[ -f build/Makefile ] || npx --no-install node-gyp configure --loglevel=error >/dev/null
npx --no-install node-gyp build --loglevel=error >/dev/null
npm run --silent build:ts
npm run --silent build:tools
make -s -C native/interp
make -s -C native/sim
make -s -C native/sig
echo "setup: done"
