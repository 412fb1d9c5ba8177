/* Writes to stderr and leaves through exit() with a non-zero code (WASI proc_exit). */
#include <stdio.h>
#include <stdlib.h>

int main(void)
{
    fputs("something went wrong\n", stderr);
    exit(7);
}
