/* The file system as a device without preopens gives it (test/component/wasi-command.test.ts):
 * every open fails, as under jco without preopens; and a sleep (subscribe-duration and poll). */
#include <dirent.h>
#include <stdio.h>
#include <sys/stat.h>
#include <time.h>

int main(int argc, char **argv)
{
    FILE *f = fopen(argc > 1 ? argv[1] : "x.txt", "r");
    printf("fopen: %s\n", f == NULL ? "null" : "file");
    DIR *d = opendir(".");
    printf("opendir: %s\n", d == NULL ? "null" : "dir");
    struct stat st;
    printf("stat: %d\n", stat("y", &st));
    struct timespec ts = {0, 1000};
    printf("nanosleep: %d\n", nanosleep(&ts, NULL));
    return 0;
}
