#!/bin/sh
# Prints and writes the one-line size report of a firmware image:
#   wrt-size target=<id> app=<app> flash=<used> flash_total=<bytes> ram=<used> ram_total=<bytes>
# flash = text + data (what the image occupies in flash); RAM = data + bss, where bss includes
# the NOLOAD stack and .noinit sections. Totals are the linker script's FLASH and RAM regions,
# read back from the ELF's __wrt_{flash,ram}_{start,end} symbols.
# With a seventh argument `arena` it also prints
#   wrt-size target=<id> app=<app> arena=<bytes>
# the RAM past everything static (__wrt_free_start .. __wrt_free_end): the interpreter's arena.
# Usage: size-report.sh <size tool> <nm tool> <elf> <target id> <app> <output file> [arena]
set -eu
size_tool=$1 nm_tool=$2 elf=$3 target=$4 app=$5 output=$6 extra=${7:-}

"$size_tool" -B "$elf"
set -- $("$size_tool" -B "$elf" | awk 'NR == 2 { print $1, $2, $3 }')
text=$1 data=$2 bss=$3

symbol() {
  value=$("$nm_tool" "$elf" | awk -v name="$1" '$3 == name { print $1 }')
  if [ -z "$value" ]; then
    echo "size-report.sh: $elf has no symbol $1 (not linked with cortex-m.ld?)" >&2
    exit 1
  fi
  printf '%d' "0x$value"
}

flash_total=$(( $(symbol __wrt_flash_end) - $(symbol __wrt_flash_start) ))
ram_total=$(( $(symbol __wrt_ram_end) - $(symbol __wrt_ram_start) ))
line="wrt-size target=$target app=$app flash=$((text + data)) flash_total=$flash_total ram=$((data + bss)) ram_total=$ram_total"
echo "$line"
echo "$line" > "$output"
if [ "$extra" = arena ]; then
  arena_line="wrt-size target=$target app=$app arena=$(( $(symbol __wrt_free_end) - $(symbol __wrt_free_start) ))"
  echo "$arena_line"
  echo "$arena_line" >> "$output"
fi
