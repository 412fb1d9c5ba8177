/*
 * A WASI command for the --help examples: `wrt-target run examples/hello.wasm -- --name board`
 * prints "hello, board". `npm run examples` builds examples/hello.wasm from it (examples/Makefile:
 * wasi-libc, no DWARF, memory bounded at its 2 pages: 24 KB).
 */
#include <stdio.h>
#include <string.h>

int main(int argc, char **argv) {
  const char *name = "world";
  for (int i = 1; i + 1 < argc; i++) {
    if (strcmp(argv[i], "--name") == 0) name = argv[i + 1];
  }
  printf("hello, %s\n", name);
  return 0;
}
