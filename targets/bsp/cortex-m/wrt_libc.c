/*
 * The four functions GCC may call even in freestanding code (struct copies, large initialisers;
 * GCC manual, "C Language Standards": a freestanding program must supply memcpy, memmove,
 * memset and memcmp). Their names are fixed by the compiler, hence no wrt_ prefix. Built with
 * -fno-tree-loop-distribute-patterns so GCC does not turn these loops back into calls to
 * themselves.
 */
#include <stddef.h>

void *memcpy(void *restrict destination, const void *restrict source, size_t count);
void *memmove(void *destination, const void *source, size_t count);
void *memset(void *destination, int value, size_t count);
int memcmp(const void *left, const void *right, size_t count);

void *memcpy(void *restrict destination, const void *restrict source, size_t count) {
  unsigned char *out = destination;
  const unsigned char *in = source;
  while (count-- > 0u) *out++ = *in++;
  return destination;
}

void *memmove(void *destination, const void *source, size_t count) {
  unsigned char *out = destination;
  const unsigned char *in = source;
  if (out < in) {
    while (count-- > 0u) *out++ = *in++;
  } else if (out > in) {
    while (count-- > 0u) out[count] = in[count];
  }
  return destination;
}

void *memset(void *destination, int value, size_t count) {
  unsigned char *out = destination;
  while (count-- > 0u) *out++ = (unsigned char)value;
  return destination;
}

int memcmp(const void *left, const void *right, size_t count) {
  const unsigned char *a = left;
  const unsigned char *b = right;
  for (size_t index = 0u; index < count; index++) {
    if (a[index] != b[index]) return a[index] < b[index] ? -1 : 1;
  }
  return 0;
}
