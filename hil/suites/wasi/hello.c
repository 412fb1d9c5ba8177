/* Formatted output through WASI fd_write: printf's integer, string and padding paths. */
#include <stdio.h>

int main(int argc, char **argv)
{
    printf("hello from %s\n", argc > 1 ? argv[1] : "nobody");
    printf("%5d|%-5d|%x\n", 42, -7, 0xbeefu);
    return 0;
}
