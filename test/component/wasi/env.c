/* The environment of a WASI 0.2 command (test/component/wasi-command.test.ts): every entry in
 * order, and one looked up, as get-environment gives them. */
#include <stdio.h>
#include <stdlib.h>

extern char **environ;

int main(void)
{
    int n = 0;
    for (char **e = environ; *e != NULL && n < 100; e++, n++) printf("env %s\n", *e);
    const char *g = getenv("GREETING");
    printf("count %d, GREETING %s\n", n, g == NULL ? "(none)" : g);
    return 0;
}
