/* Clocks, entropy and stdin through a WASI 0.2 command (test/component/wasi-command.test.ts):
 * what it prints does not depend on the time or the bytes drawn, so jco and the device agree. */
#include <stdio.h>
#include <time.h>
#include <unistd.h>

int main(void)
{
    struct timespec wall, mono1, mono2;
    clock_gettime(CLOCK_REALTIME, &wall);
    clock_gettime(CLOCK_MONOTONIC, &mono1);
    unsigned char bytes[64];
    int drawn = getentropy(bytes, sizeof bytes);
    int nonzero = 0;
    for (unsigned i = 0; i < sizeof bytes; i++) nonzero |= bytes[i];
    clock_gettime(CLOCK_MONOTONIC, &mono2);
    int c = getchar();
    long long d = (long long)(mono2.tv_sec - mono1.tv_sec) * 1000000000LL + (mono2.tv_nsec - mono1.tv_nsec);
    printf("wall after 2020: %d\n", wall.tv_sec > 1577836800);
    printf("monotonic never goes back: %d\n", d >= 0);
    printf("getentropy: %d, some byte set: %d\n", drawn, nonzero != 0);
    printf("stdin at its end: %d\n", c == EOF);
    fprintf(stderr, "done\n");
    return 0;
}
