#!/usr/bin/env bash
# Fetches Debian's libsodium source package (`apt-get source`, needs the deb-src entry that
# scripts/setup.sh adds) into a scratch folder and compares the files vendored under
# third_party/libsodium with it, byte for byte: exit 0 when they are the same, 1 when one differs.
# `--update` copies them over instead (after a version bump in third_party/libsodium/README.md).
set -euo pipefail
cd "$(dirname "$0")/.."
VERSION=1.0.18-1+deb12u1
DEST=third_party/libsodium
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
(cd "$scratch" && apt-get source -qq "libsodium=$VERSION" >/dev/null 2>&1) || {
  echo "vendor-libsodium: apt-get source libsodium=$VERSION failed: is the deb-src entry there (bash scripts/setup.sh)?" >&2
  exit 3
}
src="$scratch/libsodium-1.0.18"
status=0
while IFS= read -r file; do
  rel=${file#"$DEST"/}
  case "$rel" in README.md) continue ;; esac
  if [ "${1:-}" = "--update" ]; then
    cp "$src/$rel" "$file"
  elif ! cmp -s "$src/$rel" "$file"; then
    echo "vendor-libsodium: $file differs from Debian's libsodium $VERSION" >&2
    status=1
  fi
done < <(find "$DEST" -type f | sort)
[ "$status" -eq 0 ] && echo "vendor-libsodium: $(find "$DEST" -type f ! -name README.md | wc -l) files are Debian's libsodium $VERSION"
exit "$status"
